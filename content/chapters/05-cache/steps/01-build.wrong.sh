# Forgot the build folder: docker says it needs one argument, and builds nothing.
docker image build -t example/cache-demo:latest || true
