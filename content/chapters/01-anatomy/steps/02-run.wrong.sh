# Forgot to publish the port.
docker container run --rm -d example/docker-node-hello:latest
