# Built as given: the chmod stores the tool a second time.
head -c 20M /dev/urandom > tool.bin
docker image build -f Dockerfile.tool -t example/layers:tool .
