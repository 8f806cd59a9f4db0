# Pushed without logging in: refused with "no basic auth credentials".
docker image build -t localhost:5443/example/hello:1.0 .
docker image push localhost:5443/example/hello:1.0 || true
