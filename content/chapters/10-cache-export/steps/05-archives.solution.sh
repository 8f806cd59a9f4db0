docker buildx build --target program -o type=tar,dest=hello.tar .
tar -tvf hello.tar
docker buildx build -t hello:oci -o type=oci,dest=hello-oci.tar .
tar -tf hello-oci.tar
