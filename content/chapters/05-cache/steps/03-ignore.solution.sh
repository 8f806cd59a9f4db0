grep -qx 'notes.md' .dockerignore || echo notes.md >> .dockerignore
docker image build -t example/cache-demo:latest .
echo "- .dockerignore keeps files out of the build" >> notes.md
docker image build -t example/cache-demo:latest .
