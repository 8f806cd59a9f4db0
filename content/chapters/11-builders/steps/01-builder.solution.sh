docker buildx ls
docker buildx inspect --bootstrap default
docker buildx inspect lab >/dev/null 2>&1 || docker buildx create --name lab --driver docker-container --config ~/.config/buildkit/buildkitd.toml
docker buildx inspect lab
docker buildx use default
