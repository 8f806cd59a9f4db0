docker image build --progress=plain -t example/service:latest .
sed -i 's/Hello from a cached build/Hello from a changed service/' main.go
docker image build --progress=plain -t example/service:latest .
