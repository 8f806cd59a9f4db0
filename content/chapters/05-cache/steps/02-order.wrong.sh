# Copies package.json on its own, but still after everything else.
cat > Dockerfile <<'DOCKERFILE'
FROM node:18

WORKDIR /app

COPY . .
COPY package.json install-deps.js ./
RUN node install-deps.js

EXPOSE 8080
CMD ["node", "server.js"]
DOCKERFILE
docker image build -t example/cache-demo:latest .
