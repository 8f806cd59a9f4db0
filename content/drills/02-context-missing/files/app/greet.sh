#!/bin/sh
cat /etc/{{app}}/banner.txt
echo "{{app}} ready"
