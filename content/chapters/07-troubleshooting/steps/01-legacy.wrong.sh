# Copies the config earlier, but into /app instead of /app/config: `COPY config ./` copies the folder's contents.
cat > Dockerfile <<'DOCKERFILE'
FROM node:18

WORKDIR /app
COPY package.json index.js ./
COPY config ./

# The app checks its own configuration before the image is finished.
RUN node index.js --selftest

EXPOSE 8080
CMD ["node", "index.js"]
DOCKERFILE
docker image build -t example/broken:latest . || true
