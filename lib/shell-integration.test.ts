import { describe, expect, it } from "vitest";
import { PromptTracker, ShellMarkScanner, type ShellMark } from "./shell-integration";

const bytes = (s: string) => new TextEncoder().encode(s);
const raw = (payload: string) => `\x1b]133;${payload}\x07`;
/** What bash in the sandbox prints inside tmux: the mark wrapped in tmux's passthrough DCS. */
const wrapped = (payload: string) => `\x1bPtmux;\x1b\x1b]133;${payload}\x07\x1b\\`;
const prompt = "\x1b[1;32mlearner@layerlab\x1b[0m:~$ ";

function scanAll(chunks: string[]): ShellMark[] {
  const scanner = new ShellMarkScanner();
  return chunks.flatMap((c) => scanner.push(bytes(c)));
}

describe("ShellMarkScanner", () => {
  it("finds raw and tmux-wrapped marks with exit codes", () => {
    expect(scanAll([`out\r\n${raw("D;0")}${raw("A")}${prompt}`])).toEqual([
      { kind: "command-finished", exitCode: 0 },
      { kind: "prompt-start" },
    ]);
    expect(scanAll([`${wrapped("D;127")}${wrapped("A")}${prompt}`])).toEqual([
      { kind: "command-finished", exitCode: 127 },
      { kind: "prompt-start" },
    ]);
  });

  it("reads ST-terminated marks and marks without a code", () => {
    expect(scanAll(["\x1b]133;D\x1b\\\x1b]133;B\x1b\\\x1b]133;C\x07"])).toEqual([
      { kind: "command-finished", exitCode: null },
      { kind: "command-start" },
      { kind: "command-executed" },
    ]);
  });

  it("finds a mark split at every possible byte", () => {
    const stream = `hello\r\n${wrapped("D;2")}${wrapped("A")}${prompt}`;
    for (let cut = 1; cut < stream.length; cut++) {
      expect(scanAll([stream.slice(0, cut), stream.slice(cut)]), `cut at ${cut}`).toEqual([
        { kind: "command-finished", exitCode: 2 },
        { kind: "prompt-start" },
      ]);
    }
  });

  it("finds marks fed one byte at a time", () => {
    const stream = `${raw("D;1")}x${raw("A")}`;
    expect(scanAll([...stream])).toEqual([{ kind: "command-finished", exitCode: 1 }, { kind: "prompt-start" }]);
  });

  it("ignores other OSCs, other escape sequences and unknown 133 codes", () => {
    expect(scanAll(["\x1b]0;title\x07\x1b[31mred\x1b[0m\x1b]1337;foo\x07\x1b]133;P;k=i\x07\x1b]13;x\x07"])).toEqual([]);
  });

  it("gives up on an unterminated mark instead of buffering without bound", () => {
    const scanner = new ShellMarkScanner();
    expect(scanner.push(bytes("\x1b]133;A" + "x".repeat(10_000)))).toEqual([]);
    // The scanner carries nothing from the garbage, so the next real mark is found.
    expect(scanner.push(bytes(raw("A")))).toEqual([{ kind: "prompt-start" }]);
  });

  it("does not read a non-numeric or huge exit code as a number", () => {
    expect(scanAll([raw("D;abc"), raw("D;99999")])).toEqual([
      { kind: "command-finished", exitCode: null },
      { kind: "command-finished", exitCode: null },
    ]);
  });
});

describe("PromptTracker", () => {
  it("reports each prompt with the exit code of the command before it", () => {
    const tracker = new PromptTracker();
    expect(tracker.take([{ kind: "prompt-start" }])).toEqual([{ exitCode: null }]);
    expect(
      tracker.take([{ kind: "command-finished", exitCode: 3 }, { kind: "prompt-start" }, { kind: "prompt-start" }]),
    ).toEqual([{ exitCode: 3 }, { exitCode: null }]);
  });

  it("keeps a finished command's code across chunks until its prompt", () => {
    const tracker = new PromptTracker();
    expect(tracker.take([{ kind: "command-finished", exitCode: 0 }])).toEqual([]);
    expect(tracker.take([{ kind: "prompt-start" }])).toEqual([{ exitCode: 0 }]);
  });
});
