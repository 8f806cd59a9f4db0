# Ran it straight away, without building first: docker looks for the image, finds none, and gives up.
docker container run --rm -d -p 8080:8080 example/hello:fat || true
