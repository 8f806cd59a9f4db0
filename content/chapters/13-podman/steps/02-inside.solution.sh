cat > inside/where.sh <<'SH'
#!/bin/sh
# Tells which engine runs this container, the way many scripts found on the web do.
if [ -f /.dockerenv ]; then
  echo "running in a container (docker)"
elif [ -f /run/.containerenv ]; then
  echo "running in a container (podman)"
else
  echo "not in a container"
fi
SH
sed -i 's|^FROM busybox$|FROM docker.io/library/busybox|' inside/Dockerfile
podman build -t example/where inside
docker image build -t example/where inside
