# Built without the tag, and never saved.
docker image build -t example/inside .
