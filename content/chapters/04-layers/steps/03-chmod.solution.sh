[ -f tool.bin ] || head -c 20M /dev/urandom > tool.bin
cat > Dockerfile.tool <<'DOCKERFILE'
FROM debian:bookworm-slim

# tool.bin stands in for a 20 MB program you downloaded.
COPY --chmod=755 tool.bin /usr/local/bin/tool
DOCKERFILE
docker image build -f Dockerfile.tool -t example/layers:tool .
docker image history example/layers:tool
