# Built without the tag.
docker image build -t example/layers .
