#!/bin/sh
# Tells which engine runs this container, the way many scripts found on the web do.
if [ -f /.dockerenv ]; then
  echo "running in a container (docker)"
else
  echo "not in a container"
fi
