docker image pull -q node:18-slim
digest=$(docker image inspect -f '{{index .RepoDigests 0}}' node:18-slim | cut -d@ -f2)
cat > app/Dockerfile <<DOCKERFILE
FROM node:18-slim@$digest

WORKDIR /app
COPY --link package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --offline
COPY --link . .

USER node
EXPOSE 8080
CMD ["node", "server.js"]
DOCKERFILE
printf '.env\nnode_modules\n' > app/.dockerignore
cat > docker-bake.hcl <<'HCL'
group "default" {
  targets = ["app"]
}

target "app" {
  context = "app"
  tags    = ["example/inside:best"]
}
HCL
docker buildx bake
