# The site is ready when its data is there: only then is /health served.
if [ -s /www/data/greeting.txt ]; then
  echo ok > /www/health
else
  echo "start.sh: no data in /www/data, the site is not ready" >&2
fi
exec httpd -f -v -p 8080 -h /www
