mkdir -p ~/.ssh && chmod 700 ~/.ssh
[ -f ~/.ssh/id_ed25519 ] || ssh-keygen -q -t ed25519 -N '' -C learner@layerlab -f ~/.ssh/id_ed25519
eval "$(ssh-agent -s)"
trap 'eval "$(ssh-agent -k)" >/dev/null' EXIT
ssh-add ~/.ssh/id_ed25519
cat > ssh/Dockerfile <<'DOCKERFILE'
FROM node:18

# A step that needs your SSH key, as `git clone git@…` or `npm install` from a private
# repository would. Here it only lists the keys the build can reach, with their fingerprints.
RUN --mount=type=ssh ssh-add -l > /agent-keys.txt

CMD ["cat", "/agent-keys.txt"]
DOCKERFILE
docker image build --ssh default -t example/ssh ssh
docker container run --rm example/ssh
