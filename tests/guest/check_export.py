#!/usr/bin/python3
"""Host-side consistency check of an export after a guest run.

  tests/guest/check_export.py DIR MODEL [TOP...]

TOP: the only names allowed at the export's top level (besides mapped-file's
metadata).  Every object under DIR is checked for what MODEL stores
(docs/models.md):
  mapped-xattr  host objects are directories or regular files only; every
                one but the root has user.virtfs.mode (4 bytes, u32 LE) whose
                file type agrees with the host type; uid/gid 4 bytes and
                rdev 8 bytes when present
  mapped-file   the same rules for .virtfs_metadata/NAME text files
                (virtfs.uid/gid/mode/rdev=N lines); no metadata file without
                its object, no metadata directory holding anything else
  passthrough, none   real objects; nothing more to check than the names
Prints "ok - host: ..." / "not ok - host: ..." and exits 1 on any problem.
"""
import os
import stat
import struct
import sys

META = ".virtfs_metadata"
META_ROOT = ".virtfs_metadata_root"
bad = []
counts = {"objects": 0, "metadata": 0}


def problem(msg):
    if len(bad) < 20:
        print("# problem: " + msg)
    bad.append(msg)


def type_agrees(path, st, mode):
    host_dir = stat.S_ISDIR(st.st_mode)
    if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
        problem("%s: host type %o in a mapped model" % (path, stat.S_IFMT(st.st_mode)))
    elif host_dir != stat.S_ISDIR(mode):
        problem("%s: recorded mode %o, host %s" % (path, mode, "dir" if host_dir else "file"))
    elif stat.S_IFMT(mode) not in (stat.S_IFREG, stat.S_IFDIR, stat.S_IFLNK, stat.S_IFCHR,
                                   stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK):
        problem("%s: recorded mode %o has no valid type" % (path, mode))


def check_xattr(path, st):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError as e:
        problem("%s: listxattr: %s" % (path, e))
        return
    sizes = {"user.virtfs.uid": 4, "user.virtfs.gid": 4, "user.virtfs.mode": 4,
             "user.virtfs.rdev": 8}
    for n, size in sizes.items():
        if n in names:
            v = os.getxattr(path, n, follow_symlinks=False)
            if len(v) != size:
                problem("%s: %s is %d bytes, not %d" % (path, n, len(v), size))
                return
    if "user.virtfs.mode" not in names:
        problem("%s: no user.virtfs.mode" % path)
        return
    counts["metadata"] += 1
    mode = struct.unpack("<I", os.getxattr(path, "user.virtfs.mode", follow_symlinks=False))[0]
    type_agrees(path, st, mode)


def check_metafile(path, st, meta):
    try:
        with open(meta) as f:
            lines = f.read().splitlines()
    except OSError as e:
        problem("%s: metadata %s: %s" % (path, meta, e.strerror))
        return
    vals = {}
    for line in lines:
        k, sep, v = line.partition("=")
        if not sep or k not in ("virtfs.uid", "virtfs.gid", "virtfs.mode", "virtfs.rdev"):
            problem("%s: bad metadata line %r" % (meta, line))
            return
        try:
            vals[k] = int(v)
        except ValueError:
            problem("%s: bad number in %r" % (meta, line))
            return
    if "virtfs.mode" not in vals:
        problem("%s: no virtfs.mode" % meta)
        return
    counts["metadata"] += 1
    type_agrees(path, st, vals["virtfs.mode"] & 0xFFFFFFFF)


def walk(d, model):
    names = os.listdir(d)
    for n in names:
        if model == "mapped-file" and n in (META, META_ROOT):
            continue
        p = os.path.join(d, n)
        st = os.lstat(p)
        counts["objects"] += 1
        if model == "mapped-xattr":
            check_xattr(p, st)
        elif model == "mapped-file":
            check_metafile(p, st, os.path.join(d, META, n))
        if stat.S_ISDIR(st.st_mode):
            walk(p, model)
    if model == "mapped-file" and META in names:
        md = os.path.join(d, META)
        if not stat.S_ISDIR(os.lstat(md).st_mode):
            problem("%s is not a directory" % md)
            return
        for m in os.listdir(md):
            mp = os.path.join(md, m)
            if not stat.S_ISREG(os.lstat(mp).st_mode):
                problem("%s: not a regular file" % mp)
            elif m not in names:
                problem("%s: metadata of a missing object" % mp)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: check_export.py DIR MODEL [TOP...]")
    top, model, allowed = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    if model == "mapped":
        model = "mapped-xattr"
    extra = sorted(n for n in os.listdir(top)
                   if n not in allowed and not (model == "mapped-file" and n in (META, META_ROOT)))
    if allowed:
        if extra:
            print("not ok - host: stray names at the top of the export: %s" % " ".join(extra[:10]))
        else:
            print("ok - host: nothing at the top of the export but %s" % " ".join(sorted(allowed)))
    walk(top, model)
    desc = "%s: %d objects, %d with well-formed metadata" % (model, counts["objects"], counts["metadata"])
    if bad:
        print("not ok - host: %s; %d problems" % (desc, len(bad)))
    else:
        print("ok - host: %s" % desc)
    sys.exit(1 if bad or (allowed and extra) else 0)


main()
