#!/bin/sh
# Stands in for a slow package install: one second per dependency.
set -e
mkdir -p vendor
while read -r dep; do
  [ -n "$dep" ] || continue
  echo "fetching $dep"
  sleep 1
  echo "$dep" > "vendor/$dep"
done < deps.txt
