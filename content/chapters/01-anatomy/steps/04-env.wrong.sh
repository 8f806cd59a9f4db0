# Port 8080 is taken, so the new container went to 8081; the old one still answers on 8080.
docker container run --rm -d -p 8081:8080 --env WHO="Sean and Karl" example/docker-node-hello:latest
