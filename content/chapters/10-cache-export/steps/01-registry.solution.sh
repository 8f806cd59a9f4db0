docker container start registry 2>/dev/null || docker container run -d --name registry -p 5000:5000 registry:2
until curl -fs localhost:5000/v2/ >/dev/null; do sleep 0.2; done
docker buildx build -t hello:latest --cache-to type=registry,ref=localhost:5000/hello:buildcache,mode=max .
docker buildx prune -af
echo '# an edit' >> hello.sh
docker buildx build -t hello:latest --cache-from type=registry,ref=localhost:5000/hello:buildcache .
