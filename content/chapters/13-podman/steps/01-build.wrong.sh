# Habit: the Docker command. The image lands in Docker's store, not Podman's.
docker image build -t example/hello .
