# The label's name instead of the ARG's name: the build runs, the label keeps its default.
docker image build --build-arg maintainer=me@example.com -t example/docker-node-hello:latest .
