#!/bin/sh
# Starts the {{api}} API, then the {{app}} front that calls it by its container name.
docker rm -f {{api}} {{app}} >/dev/null 2>&1 || true
docker run -d --name {{api}} drill/{{app}} python3 -u api.py
docker run -d --name {{app}} -p {{hostPort}}:3000 drill/{{app}}
# Wait until the front answers, so the next command can use it.
for _ in $(seq 1 50); do curl -s -o /dev/null http://localhost:{{hostPort}}/ && break; sleep 0.2; done
