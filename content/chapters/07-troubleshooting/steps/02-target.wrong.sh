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
# The tag's name instead of the stage's name.
docker image build --target debug -t example/broken:debug . || true
