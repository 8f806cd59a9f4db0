# What the documentation says to do online: create the builder and use it at once.
docker buildx create --name lab --driver docker-container --config ~/.config/buildkit/buildkitd.toml --use
