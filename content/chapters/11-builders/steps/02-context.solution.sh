bash start-second-engine.sh
docker context inspect second >/dev/null 2>&1 || docker context create second --docker host=unix:///home/learner/.run-second/docker.sock
docker context use second
docker image build -t example/where:second .
docker context use default
docker --context second image ls
