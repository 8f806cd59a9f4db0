# The base named in full and built with both engines, but the script still only knows Docker's file.
sed -i 's|^FROM busybox$|FROM docker.io/library/busybox|' inside/Dockerfile
podman build -t example/where inside
docker image build -t example/where inside
