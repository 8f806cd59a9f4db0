docker image build -t example/docker-node-hello:latest .
