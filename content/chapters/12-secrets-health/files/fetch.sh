#!/bin/sh
# Stands in for a download that needs a token, such as a package from a private registry:
# it checks the token it is given and writes what it "fetched" to vendor.txt.
# The token comes as the first argument, or from the secret mount /run/secrets/api_token.
set -eu
token=${1:-$(cat /run/secrets/api_token 2>/dev/null || true)}
if [ -z "$token" ]; then
  echo "fetch.sh: no token (give it as an argument, or mount the secret api_token)" >&2
  exit 1
fi
if [ "$(printf %s "$token" | sha256sum | cut -c1-16)" != 3b8f575c1cf0c0bb ]; then
  echo "fetch.sh: the registry refused the token" >&2
  exit 1
fi
echo "vendor bundle 1.4.2, fetched with a valid token" > vendor.txt
echo "fetch.sh: fetched vendor bundle 1.4.2"
