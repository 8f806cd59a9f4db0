DOCKER_BUILDKIT=0 docker image build -t example/broken:latest . || true
cat > Dockerfile <<'DOCKERFILE'
FROM node:18

WORKDIR /app
COPY package.json index.js ./
COPY config/ ./config/

# The app checks its own configuration before the image is finished.
RUN node index.js --selftest

EXPOSE 8080
CMD ["node", "index.js"]
DOCKERFILE
docker image build -t example/broken:latest .
