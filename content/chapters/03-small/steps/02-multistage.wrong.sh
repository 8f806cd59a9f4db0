# Two stages, but CGO_ENABLED=0 got lost: the binary needs a C library that scratch does not have.
cat > Dockerfile <<'DOCKERFILE'
FROM golang:1.19 AS builder
WORKDIR /src
COPY go.mod main.go ./
RUN go build -o /hello .

FROM scratch
COPY --from=builder /hello /hello
EXPOSE 8080
CMD ["/hello"]
DOCKERFILE
docker image build -t example/hello:small .
