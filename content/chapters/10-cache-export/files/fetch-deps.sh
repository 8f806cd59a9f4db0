#!/bin/sh
# Stands in for a package manager's download: slow, and it needs nothing but deps.txt.
set -e
echo "Fetching $(wc -l < deps.txt) dependencies..."
sleep 1
mkdir -p vendor
{
  echo '#!/bin/sh'
  echo "# dependencies: $(tr '\n' ' ' < deps.txt)"
  echo "fetched_at='$(date -u '+%Y-%m-%d %H:%M:%S UTC')'"
} > vendor/greeting.sh
echo "Done."
