docker image build --build-arg email=me@example.com -t example/docker-node-hello:latest .
