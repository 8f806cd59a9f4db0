# Edited the Dockerfile, forgot to rebuild.
grep -qx 'USER app' Dockerfile || sed -i 's/^CMD \["node", "index.js"\]$/USER app\nCMD ["node", "index.js"]/' Dockerfile
