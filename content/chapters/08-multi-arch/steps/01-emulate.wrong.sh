# Forgot --platform: built for this machine's CPU.
docker buildx build -t example/arch:arm64 --load .
