#!/bin/sh
name=nobody
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    *) echo "{{app}}: unknown argument $1" >&2; exit 2 ;;
  esac
done
echo "{{greeting}}, $name!"
