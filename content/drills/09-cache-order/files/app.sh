#!/bin/sh
echo "{{app}} ready with $(ls vendor | wc -l) dependencies"
