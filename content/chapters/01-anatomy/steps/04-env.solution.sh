# Stop whatever publishes 8080 (and the wrong answer's container on 8081).
docker container ls -q --filter publish=8080 --filter publish=8081 | xargs -r docker container stop
docker container run --rm -d -p 8080:8080 --env WHO="Sean and Karl" example/docker-node-hello:latest
curl -sS --retry 10 --retry-all-errors --retry-delay 1 localhost:8080
