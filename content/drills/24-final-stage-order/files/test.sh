#!/bin/sh
# The project's tests: the app must name itself and its version.
set -e
out=$(sh /src/app.sh)
[ "$out" = "{{app}} {{version}} ready" ] || { echo "FAIL: got '$out'"; exit 1; }
echo "{{app}}: 1 test passed"
