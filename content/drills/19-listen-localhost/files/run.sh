#!/bin/sh
# Starts the API as production does: published on port {{port}} of this machine.
docker rm -f {{app}} >/dev/null 2>&1 || true
docker run -d --name {{app}} -p {{port}}:{{port}} drill/{{app}}
# Wait until the app says it listens, so the next command can use it.
for _ in $(seq 1 50); do docker logs {{app}} 2>&1 | grep -q listening && break; sleep 0.2; done
