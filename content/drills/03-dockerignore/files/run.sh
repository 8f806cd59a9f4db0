#!/bin/sh
set -e
. /app/config/app.conf
echo "$NAME listening on $PORT"
