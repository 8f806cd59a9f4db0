# A cache mount, but at Go's module cache, not its build cache.
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19 AS builder

WORKDIR /src
COPY go.mod ./
COPY *.go ./
# -v prints each package as Go compiles it.
RUN --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -v -o /service .

FROM scratch
COPY --from=builder /service /service
EXPOSE 8080
CMD ["/service"]
DOCKERFILE
docker image build -t example/service:latest .
