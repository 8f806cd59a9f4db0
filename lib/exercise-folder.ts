import { folderAsTyped } from "@/lib/step-commands";

/**
 * Moving the learner's shell into the exercise's folder when they open a chapter or a drill, as if they had typed
 * `cd ~/<folder>` (the line shows in their terminal), and only when the shell is idle at its prompt: never into a
 * running command's input, never onto a half-typed line.
 */

/** What the lab reads from the learner's tmux: the pane's foreground command, its folder, and the line at its cursor. */
export const PANE_STATE_SCRIPT = [
  'if [ ! -d "$1" ]; then echo nofolder; exit 0; fi',
  "tmux display-message -p -t main '#{pane_current_command}\t#{pane_current_path}\t#{cursor_y}' 2>/dev/null || { echo noshell; exit 0; }",
  "tmux capture-pane -p -t main",
].join("\n");

/**
 * Types `$1` into the learner's shell and presses Enter, as the learner would, if the shell still is where the
 * decision saw it: the same foreground command (`$2`) and the same line at the cursor (`$3`, line `$4`). Looking
 * again in the same process that types leaves the learner milliseconds, not an exec's round trip, to start typing
 * in between. Prints "typed" or "changed".
 */
export const TYPE_LINE_SCRIPT = [
  "now=$(tmux display-message -p -t main '#{pane_current_command} #{cursor_y}') || exit 1",
  'line=$(tmux capture-pane -p -t main -S "$4" -E "$4") || exit 1',
  'line=${line%"${line##*[![:space:]]}"}',
  'if [ "$now" != "$2 $4" ] || [ "$line" != "$3" ]; then echo changed; exit 0; fi',
  'tmux send-keys -t main -l "$1" && tmux send-keys -t main Enter && echo typed',
].join("\n");

export type FolderMove =
  | { action: "move"; typed: string; seen: { command: string; line: string; cursor: number } }
  | { action: "stay"; why: "there" | "busy" | "typing" | "no-prompt-yet" | "no-folder" | "no-shell" | "changed" };

const SHELLS = new Set(["bash", "sh", "dash"]);

/** Prints the pane's foreground command: the learner's shell at its prompt, or what runs in it (`docker` for `docker run -ti`). */
export const FOREGROUND_COMMAND = ["tmux", "display-message", "-p", "-t", "main", "#{pane_current_command}"];

/**
 * Whether ▶ Run types into the learner's own shell (then it goes to the exercise's folder first) or into something
 * running in it, such as a container's shell the step opened (`ls`, `exit`: typed as printed, no `cd`).
 */
export function shellInForeground(output: string): boolean {
  return SHELLS.has(output.trim());
}

/**
 * Whether to move the shell, from PANE_STATE_SCRIPT's output. At its prompt the pane's foreground command is the
 * shell itself and the cursor's line ends with the prompt's `$` (capture-pane drops trailing blanks); anything after
 * it is the learner's own unfinished typing.
 */
export function decideFolderMove(output: string, workdir: string): FolderMove {
  const [head = "", ...screen] = output.split("\n");
  if (head === "nofolder") return { action: "stay", why: "no-folder" };
  const [command, path, cursor] = head.split("\t");
  if (!command || path === undefined || !/^\d+$/.test(cursor ?? "")) return { action: "stay", why: "no-shell" };
  if (!SHELLS.has(command)) return { action: "stay", why: "busy" };
  if (path === workdir) return { action: "stay", why: "there" };
  const line = (screen[Number(cursor)] ?? "").trimEnd();
  // A new shell draws its first prompt a moment after tmux starts it.
  if (!line) return { action: "stay", why: "no-prompt-yet" };
  if (!/\$$/.test(line)) return { action: "stay", why: "typing" };
  return { action: "move", typed: `cd ${folderAsTyped(workdir)}`, seen: { command, line, cursor: Number(cursor) } };
}
