# ~/.bashrc — the lab's prompt, environment and shell integration come from
# /etc/bash.bashrc and /etc/profile.d/layerlab.sh. Add your own settings below.
