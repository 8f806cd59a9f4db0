# A new tag, but the same Dockerfile: the clean-up is still a step of its own.
docker image build -t example/layers:slim .
