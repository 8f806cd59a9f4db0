#!/bin/sh
echo "{{app}} running on $(uname -m)"
