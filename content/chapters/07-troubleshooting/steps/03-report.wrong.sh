# Reports what BuildKit's output says: the self test's failure, which does not name the problem.
cd report
docker image build --progress=plain -t example/report:latest . 2>&1 | grep -E 'selftest:|prepare:' > found.txt || true
