# The proof (prune, change hello.sh, build with --cache-from) is what the check itself does next.
docker buildx build -t hello:latest --cache-to type=local,dest=.buildcache,mode=max .
