mkdir -p certs auth
openssl req -newkey rsa:2048 -nodes -sha256 -keyout certs/domain.key \
  -x509 -days 30 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out certs/domain.crt
htpasswd -Bbn student s3cret > auth/htpasswd
