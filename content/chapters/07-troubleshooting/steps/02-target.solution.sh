cat > Dockerfile <<'DOCKERFILE'
FROM node:18 AS deploy

WORKDIR /app
COPY package.json index.js ./
COPY config/ ./config/

EXPOSE 8080
CMD ["node", "index.js"]

FROM deploy

# The app checks its own configuration before the image is finished.
RUN node index.js --selftest
DOCKERFILE
docker image build --target deploy -t example/broken:debug .
docker container run --rm example/broken:debug ls /app/config
docker image build -t example/broken:latest .
