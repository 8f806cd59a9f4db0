docker buildx build -t hello:latest --cache-to type=local,dest=.buildcache,mode=max .
docker buildx prune -af
echo '# another edit' >> hello.sh
docker buildx build -t hello:latest --cache-from type=local,src=.buildcache .
