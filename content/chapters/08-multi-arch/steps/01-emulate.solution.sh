docker buildx build --platform linux/arm64 -t example/arch:arm64 --load .
docker container run --rm --platform linux/arm64 example/arch:arm64
