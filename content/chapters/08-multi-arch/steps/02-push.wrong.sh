# A registry, and a push, but of one platform only.
docker container run -d --name registry -p 5000:5000 registry:2
sleep 1
docker image build -t localhost:5000/hello-multi:latest .
docker image push localhost:5000/hello-multi:latest
