# System-wide .bashrc for interactive bash shells in a layerlab sandbox.
# (/home/learner is a volume, so everything the lab relies on lives here in /etc.)

# not interactive: do nothing
[ -z "${PS1-}" ] && return

export XDG_RUNTIME_DIR=/home/learner/.run
export LANG="${LANG:-C.UTF-8}"

shopt -s checkwinsize histappend
HISTSIZE=10000
HISTFILESIZE=20000
HISTCONTROL=ignoreboth

PS1='\[\e[1;32m\]\u@layerlab\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]\$ '

alias ls='ls --color=auto'
alias ll='ls -alF'
alias la='ls -A'
alias grep='grep --color=auto'

if ! shopt -oq posix && [ -f /usr/share/bash-completion/bash_completion ]; then
  . /usr/share/bash-completion/bash_completion
fi

# Shell integration: at every prompt emit OSC 133 "D;<exit code>" (command finished)
# then "A" (prompt starts). The lab watches the terminal stream for them to re-run
# the step's checks. Inside tmux they are wrapped in tmux's passthrough sequence
# (allow-passthrough is on in /etc/tmux.conf), so they reach the lab unchanged.
__layerlab_osc() {
  if [ -n "${TMUX-}" ]; then
    printf '\ePtmux;\e\e]133;%s\a\e\\' "$1"
  else
    printf '\e]133;%s\a' "$1"
  fi
}
__layerlab_prompt() {
  local ec=$?
  __layerlab_osc "D;$ec"
  __layerlab_osc "A"
  history -a
  # The learner's engine collects unused layers only when asked (see /usr/local/bin/containerd); at most every
  # 20 s from one shell, so most prompts start no process for it.
  if (( EPOCHSECONDS - ${__layerlab_gc_at:-0} >= 20 )); then
    __layerlab_gc_at=$EPOCHSECONDS
    ( layerlab-engine-gc >/dev/null 2>&1 & )
  fi
  return $ec
}
case "${PROMPT_COMMAND-}" in
  *__layerlab_prompt*) ;;
  *) PROMPT_COMMAND="__layerlab_prompt${PROMPT_COMMAND:+; $PROMPT_COMMAND}" ;;
esac
