FROM debian:bookworm-slim

# tool.bin stands in for a 20 MB program you downloaded.
COPY tool.bin /usr/local/bin/tool
RUN chmod 755 /usr/local/bin/tool
