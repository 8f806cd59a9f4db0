# type=tar for both: the second file is the image's files, not an image.
docker buildx build --target program -o type=tar,dest=hello.tar .
docker buildx build -o type=tar,dest=hello-oci.tar .
