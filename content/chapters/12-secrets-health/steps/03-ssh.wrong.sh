# An agent and a key, but the key was never added to the agent: the build reaches an empty agent.
mkdir -p ~/.ssh && chmod 700 ~/.ssh
[ -f ~/.ssh/id_ed25519 ] || ssh-keygen -q -t ed25519 -N '' -C learner@layerlab -f ~/.ssh/id_ed25519
eval "$(ssh-agent -s)"
trap 'eval "$(ssh-agent -k)" >/dev/null' EXIT
sed -i 's|^RUN ssh-add -l|RUN --mount=type=ssh ssh-add -l|' ssh/Dockerfile
docker image build --ssh default -t example/ssh ssh || true
