# The password settings, but not the TLS ones: the registry speaks plain http.
docker container run -d --name private -p 5443:5000 \
  -v "$PWD/auth:/auth:ro" \
  -e REGISTRY_AUTH=htpasswd \
  -e REGISTRY_AUTH_HTPASSWD_REALM="Registry Realm" \
  -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd \
  registry:2
sleep 2
