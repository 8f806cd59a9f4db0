#!/bin/sh
# Written and tried on a Mac, where sh is bash.
set -e
steps=({{first}} transform load)
for step in "${steps[@]}"; do
  printf '%s ' "$step"
done
echo "- {{app}} done"
