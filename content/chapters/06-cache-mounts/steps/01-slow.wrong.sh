# Changed the message, but did not build again.
docker image build -t example/service:latest .
sed -i 's/Hello from a cached build/Hello from a changed service/' main.go
