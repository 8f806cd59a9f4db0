cd report
DOCKER_BUILDKIT=0 docker image build -t example/report:latest . > legacy.log 2>&1 || true
# The id printed after the last step that worked: the last ` ---> <id>` line of the log.
id=$(grep -oE '^ ---> [0-9a-f]{12}$' legacy.log | tail -n 1 | cut -c7-)
docker container run --rm "$id" head -n 1 prepare-report.txt > found.txt
cat found.txt
sed -i 's/"port": "80"/"port": "8080"/' package.json
docker image build -t example/report:latest .
