# Looks in the history only: it names the COPY, not what the file held.
docker image build -f Dockerfile.leaky -t example/leaky .
docker image history example/leaky > recovered.txt
