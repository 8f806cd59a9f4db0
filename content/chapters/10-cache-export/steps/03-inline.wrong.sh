# Pushed, but without --cache-to type=inline: the image carries no cache.
docker buildx build -t localhost:5000/hello:latest --push .
