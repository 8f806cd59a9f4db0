# Built and pushed as given: both platforms get a program compiled for amd64.
cd go
docker buildx build --platform linux/amd64,linux/arm64 -t localhost:5000/platform:latest --push .
