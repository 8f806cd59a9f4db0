#!/bin/sh
echo "{{tool}} {{version}}: checked $(uname -m) at $(date -u +%Y)"
