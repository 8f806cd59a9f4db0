# A build argument instead of a secret: the RUN that uses it is recorded with its value.
cat > Dockerfile <<'DOCKERFILE'
FROM busybox
WORKDIR /app
COPY fetch.sh ./
ARG API_TOKEN
RUN sh fetch.sh "$API_TOKEN"
CMD ["cat", "vendor.txt"]
DOCKERFILE
docker image build --build-arg API_TOKEN="$(cat api-token.txt)" -t example/app .
