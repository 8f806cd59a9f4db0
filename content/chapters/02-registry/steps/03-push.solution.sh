echo s3cret | docker login localhost:5443 -u student --password-stdin
docker image build -t localhost:5443/example/hello:1.0 .
docker image push localhost:5443/example/hello:1.0
docker image rm localhost:5443/example/hello:1.0
docker container run --rm localhost:5443/example/hello:1.0
