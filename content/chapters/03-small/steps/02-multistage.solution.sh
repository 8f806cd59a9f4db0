cat > Dockerfile <<'DOCKERFILE'
# Build stage: the Go toolchain, used only to compile.
FROM golang:1.19 AS builder

WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -o /hello .

# Final stage: nothing but the binary.
FROM scratch

COPY --from=builder /hello /hello

EXPOSE 8080
CMD ["/hello"]
DOCKERFILE
docker image build -t example/hello:small .
