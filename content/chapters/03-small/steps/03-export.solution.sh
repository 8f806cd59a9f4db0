docker container rm -f hello-small >/dev/null 2>&1 || true
docker container create --name hello-small example/hello:small
docker container export hello-small -o hello-small.tar
tar -tvf hello-small.tar
