grep -qx 'USER app' Dockerfile || sed -i 's/^CMD \["node", "index.js"\]$/USER app\nCMD ["node", "index.js"]/' Dockerfile
docker image build -t example/docker-node-hello:latest .
docker container run --rm example/docker-node-hello:latest whoami
