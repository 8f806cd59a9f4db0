# layerlab sandbox environment (login shells). Interactive bash also reads
# /etc/bash.bashrc, which sets the prompt and the shell integration.
export XDG_RUNTIME_DIR=/home/learner/.run
export LANG="${LANG:-C.UTF-8}"
case ":$PATH:" in
  *:/usr/sbin:*) ;;
  *) PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ;;
esac
case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) PATH="$HOME/.local/bin:$PATH" ;; esac
export PATH
