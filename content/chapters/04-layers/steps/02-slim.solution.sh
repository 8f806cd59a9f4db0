cat > Dockerfile <<'DOCKERFILE'
FROM debian:bookworm-slim

# Fetch the lists, install, and clean up, in one step: no layer keeps the lists.
RUN mkdir -p /var/lib/apt/lists/lab && head -c 60M /dev/urandom > /var/lib/apt/lists/lab/Packages \
 && printf '#!/bin/sh\necho Hello from a layered image\n' > /usr/local/bin/hello && chmod +x /usr/local/bin/hello \
 && rm -rf /var/lib/apt/lists/lab

CMD ["hello"]
DOCKERFILE
docker image build -t example/layers:slim .
docker container run --rm example/layers:slim
