sed -i 's|^FROM busybox$|FROM scratch AS program\nCOPY --from=build /out/hello /hello\n\nFROM busybox|' Dockerfile
grep -q '^FROM scratch AS program' Dockerfile
rm -rf out
docker buildx build --target program -o out .
sh out/hello
