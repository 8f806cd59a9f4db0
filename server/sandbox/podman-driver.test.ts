import { describe, expect, it } from "vitest";
import { hostIdFor, podmanCreateArgs, podmanExecArgs } from "./podman-driver";

const limits = { memoryMb: 2048, cpus: 1.5, pids: 2048, diskMb: 10240 };

function valueOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
}

describe("podmanCreateArgs", () => {
  const args = podmanCreateArgs({
    id: "layerlab-abc",
    image: "localhost/layerlab/sandbox:latest",
    network: "layerlab",
    registry: "10.231.7.2:5000",
    homeSource: "/var/lib/layerlab/disks/layerlab-abc",
    limits,
    labels: { layerlab: "1", "layerlab.sandbox": "layerlab-abc" },
    idMappings: { UidMap: ["0:2400000:200000"], GidMap: ["0:2400000:200000"] },
  });

  it("runs the sandbox the way DESIGN.md's recipe says nested rootless Docker works", () => {
    expect(args[0]).toBe("create");
    expect(valueOf(args, "--runtime")).toEqual(["runc"]);
    expect(valueOf(args, "--uidmap")).toEqual(["0:2400000:200000"]);
    expect(valueOf(args, "--gidmap")).toEqual(["0:2400000:200000"]);
    expect(args).toContain("--init");
    expect(valueOf(args, "--ulimit")).toEqual(["nofile=16384:16384", "nproc=8192:8192"]);
    expect(valueOf(args, "--security-opt")).toEqual(["label=disable", "unmask=ALL"]);
    expect(valueOf(args, "--device")).toEqual(["/dev/fuse", "/dev/net/tun"]);
    expect(valueOf(args, "--cap-add")).toEqual(["SYS_ADMIN,NET_ADMIN,NET_RAW,MKNOD,SYS_RESOURCE"]);
  });

  it("applies the limits, memory without swap", () => {
    expect(valueOf(args, "--memory")).toEqual(["2048m"]);
    expect(valueOf(args, "--memory-swap")).toEqual(["2048m"]);
    expect(valueOf(args, "--cpus")).toEqual(["1.5"]);
    expect(valueOf(args, "--pids-limit")).toEqual(["2048"]);
  });

  it("keeps the root file system read-only and the home on its own disk", () => {
    expect(args).toContain("--read-only");
    // Memory-backed scratch, sized well under the memory limit (2048 MB): together at most 7/16 of it.
    expect(valueOf(args, "--tmpfs")).toEqual(["/tmp:rw,nosuid,nodev,size=512m", "/var/tmp:rw,nosuid,nodev,size=256m", "/run:rw,nosuid,nodev,size=128m"]);
    expect(valueOf(args, "--mount")).toEqual(["type=bind,src=/var/lib/layerlab/disks/layerlab-abc,dst=/home/learner"]);
  });

  it("names the network, the registry and the labels, and ends with the image", () => {
    expect(valueOf(args, "--network")).toEqual(["layerlab"]);
    expect(valueOf(args, "--env")).toEqual(["LAYERLAB_REGISTRY=10.231.7.2:5000"]);
    expect(valueOf(args, "--label")).toEqual(["layerlab=1", "layerlab.sandbox=layerlab-abc"]);
    expect(args.at(-1)).toBe("localhost/layerlab/sandbox:latest");
  });
});

describe("podmanExecArgs", () => {
  it("runs as the learner in their home by default", () => {
    expect(podmanExecArgs("sb", ["ls"], {})).toEqual(["--user", "learner", "--workdir", "/home/learner", "--env", "HOME=/home/learner", "--env", "USER=learner", "sb", "ls"]);
  });

  it("runs as root in / when asked, with extra environment", () => {
    expect(podmanExecArgs("sb", ["id"], { user: "root", env: { A: "1" } })).toEqual(["--user", "root", "--workdir", "/", "--env", "A=1", "sb", "id"]);
  });

  it("enforces a time limit inside the sandbox, where killing the podman client would not reach", () => {
    expect(podmanExecArgs("sb", ["sleep", "9"], { timeoutMs: 1500 }).slice(-5)).toEqual(["timeout", "--kill-after=2", "1.5", "sleep", "9"]);
  });

  it("asks for stdin and a terminal only when needed", () => {
    expect(podmanExecArgs("sb", ["bash"], { interactive: true, tty: true }).slice(0, 2)).toEqual(["--interactive", "--tty"]);
  });
});

describe("hostIdFor", () => {
  it("maps a sandbox uid through podman's ranges", () => {
    expect(hostIdFor(["0:2200000:200000"], 1000)).toBe(2201000);
    expect(hostIdFor(["0:5000:1", "1:3000000:199999"], 1000)).toBe(3000999);
  });

  it("refuses an unmapped uid", () => {
    expect(() => hostIdFor(["0:2200000:500"], 1000)).toThrow(/not mapped/);
  });
});
