# Renames the image Docker built earlier instead of bringing Podman's over.
docker image tag example/hello:latest localhost/example/hello:latest
