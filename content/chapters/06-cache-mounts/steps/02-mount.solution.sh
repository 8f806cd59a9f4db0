cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19 AS builder

WORKDIR /src
COPY go.mod ./
COPY *.go ./
# -v prints each package as Go compiles it.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -v -o /service .

FROM scratch
COPY --from=builder /service /service
EXPOSE 8080
CMD ["/service"]
DOCKERFILE
docker image build --progress=plain -t example/service:latest .
echo "// a change" >> main.go
docker image build --progress=plain -t example/service:latest .
