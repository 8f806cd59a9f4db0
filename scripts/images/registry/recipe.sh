# registry:2 — the CNCF Distribution registry from Debian's docker-registry package
# (2.8.x), laid out like Docker Hub's registry:2 image: /entrypoint.sh, the same
# config.yml, listening on :5000, storage in the volume /var/lib/registry. The binary
# reads REGISTRY_* environment overrides itself (REGISTRY_HTTP_TLS_CERTIFICATE,
# REGISTRY_HTTP_TLS_KEY, REGISTRY_AUTH=htpasswd + REGISTRY_AUTH_HTPASSWD_REALM/PATH,
# REGISTRY_STORAGE_DELETE_ENABLED, REGISTRY_PROXY_REMOTEURL, ...).
# The same image runs the lab registry (container layerlab-registry).
IMAGE=localhost/layerlab/registry:latest
SUITE=bookworm VARIANT=minbase SLIM=1
INCLUDE=docker-registry,ca-certificates
ARCHES=host
VERSION_OF=docker-registry
HOOKS=(--customize-hook="$R/customize.sh")
CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'VOLUME ["/var/lib/registry"]'
  'EXPOSE 5000'
  'ENTRYPOINT ["/entrypoint.sh"]'
  'CMD ["/etc/docker/registry/config.yml"]'
)
PUSH=(library/registry:2 library/registry:{v2} library/registry:{v})
