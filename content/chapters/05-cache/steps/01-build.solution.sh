docker image build -t example/cache-demo:latest .
docker image build -t example/cache-demo:latest .
sed -i 's/Hello from the layer cache/Hello again/' index.html
docker image build -t example/cache-demo:latest .
