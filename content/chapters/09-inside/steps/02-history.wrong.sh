# A new tag, but the secret is still copied and then deleted in a step of its own.
cp Dockerfile Dockerfile.v2
docker image build -f Dockerfile.v2 -t example/inside:v2 .
