mkdir -p certs auth
openssl req -newkey rsa:2048 -nodes -sha256 -keyout certs/domain.key \
  -x509 -days 30 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out certs/domain.crt
# Without -B: an MD5 hash, which the registry does not accept.
htpasswd -bn student s3cret > auth/htpasswd
