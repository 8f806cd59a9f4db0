cat > Dockerfile <<'DOCKERFILE'
FROM busybox
WORKDIR /app
COPY fetch.sh ./

# fetch.sh needs the token. Give it to this step only, with a secret mount.
RUN --mount=type=secret,id=api_token sh fetch.sh

CMD ["cat", "vendor.txt"]
DOCKERFILE
docker image build --secret id=api_token,src=api-token.txt -t example/app .
docker container run --rm example/app
