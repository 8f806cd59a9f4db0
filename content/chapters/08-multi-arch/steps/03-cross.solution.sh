cd go
cat > Dockerfile <<'DOCKERFILE'
# The compiler runs on the machine that builds, and compiles for the target.
FROM --platform=$BUILDPLATFORM golang:1.19 AS builder
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /platform .

FROM scratch
COPY --from=builder /platform /platform
CMD ["/platform"]
DOCKERFILE
docker buildx build --platform linux/amd64,linux/arm64 -t localhost:5000/platform:latest --push .
docker container run --rm --pull always --platform linux/arm64 localhost:5000/platform:latest
