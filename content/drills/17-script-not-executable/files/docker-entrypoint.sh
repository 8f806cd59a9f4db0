#!/bin/sh
set -e
echo "{{app}}: running $1 in $(pwd)"
