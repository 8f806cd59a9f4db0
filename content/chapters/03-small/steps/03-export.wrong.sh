# The name is right, the image is not.
docker container create --name hello-small example/hello:fat
docker container export hello-small -o hello-small.tar
