#!/bin/sh
cat /app/motd
echo "app.sh runs as $(id -u), from $(ls -ln /app/app.sh | awk '{print $1, $3":"$4}')"
