#!/bin/sh
set -e
date > /app/data/last-start
echo "{{app}} saved its state as $(id -un)"
