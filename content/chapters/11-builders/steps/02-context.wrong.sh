# The context is made, but the build goes to the current context: still default.
bash start-second-engine.sh
docker context create second --docker host=unix:///home/learner/.run-second/docker.sock
docker image build -t example/where:second .
