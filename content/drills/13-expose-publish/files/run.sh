#!/bin/sh
# Starts (or restarts) the site.
docker rm -f {{app}} >/dev/null 2>&1 || true
docker run -d --name {{app}} drill/{{app}}
