docker image build -f Dockerfile.leaky -t example/leaky .
docker image save -o leaky.tar example/leaky
rm -rf leaky && mkdir -p leaky && tar -xf leaky.tar -C leaky
layer=leaky/$(jq -r '.[0].Layers[2]' leaky/manifest.json)
tar -tf "$layer" | grep -F app/api-token.txt
tar -xOf "$layer" app/api-token.txt > recovered.txt
