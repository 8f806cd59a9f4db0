docker image build -t example/inside:v1 .
docker image save -o inside.tar example/inside:v1
mkdir -p image && tar -xf inside.tar -C image
cd image
tar -tvf "$(jq -r '.[0].Layers[3]' manifest.json)" | grep -F .wh.secret.txt
tar -xOf "$(jq -r '.[0].Layers[2]' manifest.json)" app/secret.txt | grep -F do-not-ship
