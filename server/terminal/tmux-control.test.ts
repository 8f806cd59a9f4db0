import { describe, expect, it } from "vitest";
import {
  continueCommand,
  ControlModeParser,
  parsePaneState,
  pauseCommand,
  renderCatchUp,
  renderSnapshot,
  sendKeysCommands,
  unescapeOutput,
  type ControlEvent,
} from "./tmux-control";

const b = (s: string) => Buffer.from(s, "latin1");
const str = (u: Uint8Array) => Buffer.from(u).toString("latin1");

function parseAll(chunks: string[]): ControlEvent[] {
  const parser = new ControlModeParser();
  return chunks.flatMap((c) => parser.push(b(c)));
}

// Recorded from tmux 3.3a: attaching with -CC, one command, output, and a detach.
const session = [
  "\x1bP1000p%begin 1795429276 270 0\r\n%end 1795429276 270 0\r\n%window-add @0\r\n%session-changed $0 main\r\n",
  "%begin 1795429278 281 1\r\n%0 23 8\r\n%end 1795429278 281 1\r\n",
  "%output %0 echo h\\303\\251llo\\015\\012\\033]133;A\\007\\134done\r\n",
  "%begin 1795429278 282 1\r\n%error 1795429278 282 1\r\n",
  "%exit\r\n\x1b\\",
].join("");

describe("ControlModeParser", () => {
  it("reads replies to our commands, output and exit; skips tmux's own blocks", () => {
    const events = parseAll([session]);
    expect(events.map((e) => e.type)).toEqual(["notification", "notification", "result", "output", "result", "exit"]);
    const [, , reply, output, failed, exit] = events;
    expect(reply).toEqual({ type: "result", ok: true, lines: [new Uint8Array(b("%0 23 8"))] });
    expect(output.type === "output" && output.pane).toBe("%0");
    expect(output.type === "output" && Buffer.from(output.data).toString("utf8")).toBe("echo héllo\r\n\x1b]133;A\x07\\done");
    expect(failed).toEqual({ type: "result", ok: false, lines: [] });
    expect(exit).toEqual({ type: "exit", reason: "" });
  });

  it("gives the same events however the stream is split", () => {
    const whole = parseAll([session]);
    for (let cut = 1; cut < session.length; cut += 7) {
      expect(parseAll([session.slice(0, cut), session.slice(cut)])).toEqual(whole);
    }
  });

  it("keeps reply lines that look like notifications inside a block", () => {
    const events = parseAll(["%begin 1 5 1\r\n%output is just text here\r\n%end 1 5 1\r\n"]);
    expect(events).toEqual([{ type: "result", ok: true, lines: [new Uint8Array(b("%output is just text here"))] }]);
  });
});

// Recorded from tmux 3.3a with pause-after=1: output as %extended-output, the pane paused, then continued.
const pausedSession = [
  "%extended-output %0 0 : echo hi\\015\\012\r\n",
  "%extended-output %0 1 : y\\015\\012y\r\n",
  "%pause %0\r\n",
  "%begin 1795446181 270 1\r\n%continue %0\r\n%end 1795446181 270 1\r\n",
].join("");

describe("ControlModeParser with pause-after", () => {
  it("reads %extended-output as output, and %pause as a notification naming the pane", () => {
    const events = parseAll([pausedSession]);
    expect(events.map((e) => (e.type === "output" ? str(e.data) : e))).toEqual([
      "echo hi\r\n",
      "y\r\ny",
      { type: "notification", name: "pause", args: "%0" },
      { type: "result", ok: true, lines: [new Uint8Array(b("%continue %0"))] },
    ]);
  });

  it("pauses and continues a pane with its id quoted, so tmux does not read it as a directive", () => {
    expect(pauseCommand("%12").toString()).toBe("refresh-client -A '%12:pause'\n");
    expect(continueCommand("%12").toString()).toBe("refresh-client -A '%12:continue'\n");
  });
});

describe("renderCatchUp", () => {
  it("undoes modes the skipped output may have set, says output was skipped, and redraws the screen", () => {
    const state = parsePaneState(b("2,1,80,2,0,1,0,0,0,0,0,0,0"))!;
    const out = renderCatchUp(state, [b("$ yes"), b("$ ")]).toString("latin1");
    expect(out.startsWith("\x1b[?1049l")).toBe(true);
    expect(out).toContain("output skipped");
    expect(out.indexOf("\x1b[1;1H$ yes")).toBeGreaterThan(out.indexOf("\x1b[H\x1b[2J"));
    expect(out.endsWith("\x1b[2;3H\x1b[?25h")).toBe(true);
  });
});

describe("unescapeOutput", () => {
  it("turns octal escapes back into bytes and leaves other backslashes alone", () => {
    expect(str(unescapeOutput(b("a\\134b\\033[0m\\0")))).toBe("a\\b\x1b[0m\\0");
  });
});

describe("sendKeysCommands", () => {
  it("quotes input so tmux types it byte for byte", () => {
    const [command] = sendKeysCommands("%3", new TextEncoder().encode('-x $HOME "q" \\ é\r\x03\x1b[A'));
    expect(command.toString("utf8")).toBe('send-keys -t %3 -l -- "-x \\$HOME \\"q\\" \\\\ é\\015\\003\\033[A"\n');
  });

  it("splits a long paste into several commands without a newline inside any", () => {
    const commands = sendKeysCommands("%0", new Uint8Array(3000).fill(0x0a));
    expect(commands).toHaveLength(3);
    for (const c of commands) expect(c.subarray(0, -1).includes(0x0a)).toBe(false);
  });
});

describe("snapshots", () => {
  const state = parsePaneState(b("4,1,20,3,0,1,0,0,0,0,0,0,2"))!;

  it("parses the pane state, refusing garbage", () => {
    expect(state).toMatchObject({ cursorX: 4, cursorY: 1, width: 20, height: 3, historySize: 2, alternateScreen: false });
    expect(parsePaneState(b("1,2,3"))).toBeNull();
    expect(parsePaneState(b("a,b,c,d,e,f,g,h,i,j,k,l,m"))).toBeNull();
    expect(parsePaneState(undefined)).toBeNull();
  });

  it("scrolls the history off the top, then paints the screen and puts the cursor back", () => {
    const out = str(renderSnapshot(state, [b("old1"), b("\x1b[31mold2")], [b("$ ls"), b("$ "), b("")]));
    expect(out).toBe(
      "old1\r\n\x1b[31mold2\x1b[0m\r\n\r\n\r\n\x1b[H\x1b[2J" + "\x1b[1;1H$ ls\x1b[2;1H$ \x1b[3;1H" + "\x1b[0m\x1b[2;5H\x1b[?25h",
    );
  });

  it("ignores the history capture when tmux has no history (it then answers with screen lines)", () => {
    const empty = { ...state, historySize: 0 };
    expect(str(renderSnapshot(empty, [b("screen line")], [b("x")]))).not.toContain("screen line");
  });

  it("restores the alternate screen and key modes of a full-screen program", () => {
    const vim = parsePaneState(b("0,0,80,24,1,0,1,1,1,0,0,1,0"))!;
    const out = str(renderSnapshot(vim, [], [b("~")]));
    expect(out).toContain("\x1b[?1049h");
    expect(out).toContain("\x1b[?1h");
    expect(out).toContain("\x1b=");
    expect(out).toContain("\x1b[?1000h");
    expect(out).toContain("\x1b[?1006h");
    expect(out.endsWith("\x1b[?25l")).toBe(true);
  });
});
