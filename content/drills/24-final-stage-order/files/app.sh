#!/bin/sh
echo "{{app}} {{version}} ready"
