cat > Dockerfile.v2 <<'DOCKERFILE'
FROM busybox

LABEL org.opencontainers.image.title="inside"
ENV GREETING="Hello from inside"
WORKDIR /app

COPY app.sh ./

CMD ["sh", "app.sh"]
DOCKERFILE
docker image build -f Dockerfile.v2 -t example/inside:v2 .
docker image inspect -f '{{len .RootFS.Layers}}' example/inside:v2
