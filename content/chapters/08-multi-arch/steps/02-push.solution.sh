docker container inspect registry >/dev/null 2>&1 || docker container run -d --name registry -p 5000:5000 registry:2
sleep 1
docker buildx build --platform linux/amd64,linux/arm64 -t localhost:5000/hello-multi:latest --push .
docker buildx imagetools inspect localhost:5000/hello-multi:latest
