#!/usr/bin/env python3
"""Attach a read-only, idmapped view of the shared base-image store at a host path.

usage: base-store-idmap.py STORE TARGET UIDMAP GIDMAP
       (each map as podman prints it: inside:host:count[,inside:host:count...])

The store's files are owned by sandbox-relative ids. The view maps them with the sandbox's own user
namespace ranges, so id k on disk is seen as id k inside that one sandbox: its Docker reads the
images as its own while no byte of them is copied.

Why Python's ctypes: the host's util-linux (2.38, bookworm) has no X-mount.idmap, podman 4.3's
`idmap` mount option needs crun (which fails on this hybrid-cgroup host), and runc 1.1 has none.
The three syscalls (open_tree, mount_setattr, move_mount) are all it takes; Python is on every
Debian host and ctypes is in its standard library.
"""
import ctypes
import os
import sys

NR_OPEN_TREE, NR_MOVE_MOUNT, NR_MOUNT_SETATTR = 428, 429, 442  # x86_64 and arm64 share these
OPEN_TREE_CLONE = 1
AT_RECURSIVE = 0x8000
MOVE_MOUNT_F_EMPTY_PATH = 0x4
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV, MOUNT_ATTR_IDMAP = 0x1, 0x2, 0x4, 0x100000
CLONE_NEWUSER = 0x10000000

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


class MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def check(result, what):
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def map_lines(spec):
    lines = []
    for part in spec.split(","):
        inside, host, count = (int(x) for x in part.split(":"))
        lines.append(f"{inside} {host} {count}\n")
    return "".join(lines)


def userns_fd(uid_map, gid_map):
    """A user namespace with the sandbox's mapping, held by a child that exits once we have its fd."""
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(done_w)
        ok = libc.unshare(CLONE_NEWUSER) == 0
        os.write(ready_w, b"1" if ok else b"0")
        os.read(done_r, 1)
        os._exit(0)
    os.close(ready_w)
    os.close(done_r)
    try:
        if os.read(ready_r, 1) != b"1":
            raise OSError("unshare(CLONE_NEWUSER) failed in the helper child")
        with open(f"/proc/{pid}/uid_map", "w") as f:
            f.write(uid_map)
        with open(f"/proc/{pid}/setgroups", "w") as f:
            f.write("deny\n")
        with open(f"/proc/{pid}/gid_map", "w") as f:
            f.write(gid_map)
        return os.open(f"/proc/{pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        os.write(done_w, b"x")
        os.close(done_w)
        os.close(ready_r)
        os.waitpid(pid, 0)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    store, target = sys.argv[1], sys.argv[2]
    ns = userns_fd(map_lines(sys.argv[3]), map_lines(sys.argv[4]))
    tree = check(libc.syscall(NR_OPEN_TREE, -100, store.encode(), OPEN_TREE_CLONE | os.O_CLOEXEC | AT_RECURSIVE), "open_tree")
    attr = MountAttr(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_IDMAP, 0, 0, ns)
    check(libc.syscall(NR_MOUNT_SETATTR, tree, b"", 0x1000 | AT_RECURSIVE, ctypes.byref(attr), ctypes.sizeof(attr)), "mount_setattr")
    check(libc.syscall(NR_MOVE_MOUNT, tree, b"", -100, target.encode(), MOVE_MOUNT_F_EMPTY_PATH), "move_mount")


if __name__ == "__main__":
    main()
