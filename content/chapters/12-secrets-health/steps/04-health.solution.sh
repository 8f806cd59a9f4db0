cat > health/Dockerfile <<'DOCKERFILE'
FROM busybox
COPY www/ /www/
COPY start.sh /start.sh
EXPOSE 8080
HEALTHCHECK --interval=2s --timeout=5s --retries=3 CMD wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1
CMD ["sh", "/start.sh"]
DOCKERFILE
docker image build -t example/health health
docker container rm -f web web-broken >/dev/null 2>&1 || true
docker container run -d --name web example/health
docker container run -d --name web-broken --mount type=tmpfs,dst=/www/data example/health
