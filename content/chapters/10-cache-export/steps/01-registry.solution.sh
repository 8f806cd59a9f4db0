# The proof (prune, change hello.sh, build with --cache-from) is what the check itself does next.
docker container start registry 2>/dev/null || docker container run -d --name registry -p 5000:5000 registry:2
for _ in $(seq 150); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
docker buildx build -t hello:latest --cache-to type=registry,ref=localhost:5000/hello:buildcache,mode=max .
