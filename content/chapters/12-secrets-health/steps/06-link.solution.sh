chmod 755 syntax/app.sh
cat > syntax/Dockerfile <<'DOCKERFILE'
FROM busybox
COPY deps.txt /deps.txt
RUN cat /deps.txt > /installed.txt

COPY --link --chown=1000:1000 app.sh /app/app.sh

COPY <<EOF /app/motd
Welcome to the app.
Built with BuildKit.
EOF

USER 1000
CMD ["/app/app.sh"]
DOCKERFILE
docker image build -t example/syntax syntax
docker container run --rm example/syntax
