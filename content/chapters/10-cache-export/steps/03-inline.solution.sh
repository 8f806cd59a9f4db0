# The proof (prune, build with --cache-from the image) is what the check itself does next.
docker buildx build --cache-to type=inline -t localhost:5000/hello:latest --push .
