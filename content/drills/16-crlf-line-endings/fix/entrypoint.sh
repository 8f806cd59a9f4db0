#!/bin/sh
# Saved on a Windows laptop.
set -e
echo "{{app}} starting with $*"
