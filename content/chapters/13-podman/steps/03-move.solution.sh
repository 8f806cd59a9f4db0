podman save localhost/example/hello:latest | docker load
