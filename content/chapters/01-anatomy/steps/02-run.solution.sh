docker container run --rm -d -p 8080:8080 example/docker-node-hello:latest
# the app needs a moment to listen
curl -sS --retry 10 --retry-all-errors --retry-delay 1 localhost:8080
