#!/bin/sh
# Same behaviour as the entrypoint of Docker Hub's registry:2 image.
set -e

case "$1" in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac

exec "$@"
