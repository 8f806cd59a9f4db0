cat > Dockerfile <<'DOCKERFILE'
FROM node:18

WORKDIR /app

COPY package.json install-deps.js ./
RUN node install-deps.js

COPY . .

EXPOSE 8080
CMD ["node", "server.js"]
DOCKERFILE
docker image build -t example/cache-demo:latest .
