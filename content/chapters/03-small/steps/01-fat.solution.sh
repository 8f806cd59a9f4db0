docker image build -t example/hello:fat .
docker container run --rm -d -p 8080:8080 --name hello-fat example/hello:fat
curl -sS --retry 10 --retry-all-errors --retry-delay 1 localhost:8080
docker container stop hello-fat
