docker container rm -f private >/dev/null 2>&1 || true
docker container run -d --name private -p 5443:5000 \
  -v "$PWD/certs:/certs:ro" -v "$PWD/auth:/auth:ro" \
  -e REGISTRY_HTTP_TLS_CERTIFICATE=/certs/domain.crt \
  -e REGISTRY_HTTP_TLS_KEY=/certs/domain.key \
  -e REGISTRY_AUTH=htpasswd \
  -e REGISTRY_AUTH_HTPASSWD_REALM="Registry Realm" \
  -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd \
  registry:2
curl -sS --retry 10 --retry-all-errors --retry-delay 1 --cacert certs/domain.crt -u student:s3cret https://localhost:5443/v2/
