docker image build -t example/layers:fat .
docker image history example/layers:fat
