# A name that is almost right.
docker image build -t example/node-hello .
