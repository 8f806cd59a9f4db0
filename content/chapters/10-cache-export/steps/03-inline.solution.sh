docker buildx build --cache-to type=inline -t localhost:5000/hello:latest --push .
docker buildx prune -af
docker buildx build --cache-from localhost:5000/hello:latest -t localhost:5000/hello:latest .
