podman build -t example/hello .
