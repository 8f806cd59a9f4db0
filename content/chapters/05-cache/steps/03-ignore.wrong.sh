# The wrong ignore file: git's, not Docker's.
echo notes.md >> .gitignore
docker image build -t example/cache-demo:latest .
