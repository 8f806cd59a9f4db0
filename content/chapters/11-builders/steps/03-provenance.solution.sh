docker container start registry 2>/dev/null || docker container run -d --name registry -p 5000:5000 registry:2
for _ in $(seq 150); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
docker buildx build --provenance=mode=max -t localhost:5000/where:1 --push .
