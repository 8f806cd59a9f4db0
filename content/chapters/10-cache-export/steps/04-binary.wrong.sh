# The whole last stage, written out: the program is in there, under usr/local/bin, with all of busybox.
docker buildx build -o type=local,dest=out .
