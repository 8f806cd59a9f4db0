#!/bin/sh
# Starts the site. Uploads live in ./uploads on this machine, so they outlive the container.
docker rm -f {{app}} >/dev/null 2>&1 || true
docker run -d --name {{app}} -p {{hostPort}}:80 -v "$PWD/uploads:/www/uploads" drill/{{app}}
# Wait until it answers, so the next command can use it.
for _ in $(seq 1 50); do curl -s -o /dev/null http://localhost:{{hostPort}}/ && break; sleep 0.2; done
