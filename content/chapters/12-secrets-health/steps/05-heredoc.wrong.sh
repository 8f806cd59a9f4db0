# The heredoc is right, but the `# syntax=` line from the web is kept: offline, its frontend cannot be fetched.
cat > syntax/Dockerfile <<'DOCKERFILE'
# syntax=docker/dockerfile:1
FROM busybox
COPY deps.txt /deps.txt
RUN cat /deps.txt > /installed.txt

COPY app.sh /app/app.sh
RUN chmod 755 /app/app.sh && chown 1000:1000 /app/app.sh

COPY <<EOF /app/motd
Welcome to the app.
Built with BuildKit.
EOF

USER 1000
CMD ["/app/app.sh"]
DOCKERFILE
docker image build -t example/syntax syntax || true
