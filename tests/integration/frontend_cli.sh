#!/bin/sh
# frontend_cli.sh - the vfsd command line and process set-up: --help, bad
# options, a missing export, busy sockets and ports, the privilege drop
# (uid nobody, no_new_privs, no groups), and the fd:R,W transport serving
# one inherited connection until it closes.
top=$(cd "$(dirname "$0")/../.." && pwd)
vfsd=$top/build/vfsd
n=0; fail=0
tap() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
tmp=$(mktemp -d /tmp/vfsd-cli.XXXXXX)
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
mkdir "$tmp/exp"

"$vfsd" --help >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q -- '--security-model' "$tmp/out"
tap $? "--help prints usage and exits 0"
"$vfsd" --bogus >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q usage "$tmp/out"; tap $? "unknown option: usage, exit 2"
"$vfsd" --export "$tmp/exp" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q required "$tmp/out"; tap $? "missing required options: exit 2"
"$vfsd" --export "$tmp/nope" --security-model passthrough \
    --listen "unix:$tmp/s0" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "nope: No such file" "$tmp/out" && [ ! -e "$tmp/s0" ]
tap $? "missing export: clear error before anything starts"
"$vfsd" --export "$tmp/exp" --security-model weird \
    --listen "unix:$tmp/s0" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "unknown security model" "$tmp/out"
tap $? "unknown security model refused"
"$vfsd" --export "$tmp/exp" --security-model none --listen "tcp:1.2:3" \
    >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "bad tcp address" "$tmp/out"; tap $? "bad tcp address refused"
"$vfsd" --export "$tmp/exp" --security-model none --listen "fd:999" \
    >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "fd:R" "$tmp/out"; tap $? "fd: with a closed descriptor refused"

# A running server on a unix socket and on a TCP port.
"$vfsd" --export "$tmp/exp" --security-model passthrough \
    --listen "unix:$tmp/sock" 2>"$tmp/log1" &
p1=$!; pids="$pids $p1"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$vfsd" --export "$tmp/exp" --security-model passthrough \
    --listen "tcp:$port" 2>"$tmp/log2" &
p2=$!; pids="$pids $p2"
i=0; while [ ! -S "$tmp/sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
"$vfsd" --export "$tmp/exp" --security-model passthrough \
    --listen "unix:$tmp/sock" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q busy "$tmp/out"; tap $? "a busy unix socket is refused"
"$vfsd" --export "$tmp/exp" --security-model passthrough \
    --listen "tcp:127.0.0.1:$port" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "port busy" "$tmp/out"; tap $? "a busy tcp port is refused"

if [ "$(id -u)" = 0 ]; then
	status=/proc/$p1/status
	nobody=$(id -u nobody)
	grep -q "^Uid:[[:space:]]*$nobody[[:space:]]*$nobody[[:space:]]*$nobody" "$status"
	tap $? "frontend runs as nobody (real, effective, saved)"
	grep -q "^Groups:[[:space:]]*$" "$status"; tap $? "frontend has no groups"
	grep -q "^NoNewPrivs:[[:space:]]*1" "$status"; tap $? "frontend has no_new_privs"
	grep -q "^CapEff:[[:space:]]*0000000000000000" "$status"
	tap $? "frontend has no capabilities"
fi

# A 9P client for the python snippets below: connects to argv[1], rpc()
# sends one message and reads its reply, s() packs a string; the session
# starts with Tversion 9P2000.L at msize 65536.
export P9PRELUDE="$tmp/p9prelude.py"
cat >"$P9PRELUDE" <<'PY'
import socket, struct, sys
a = socket.socket(socket.AF_UNIX)
a.connect(sys.argv[1])
def rpc(body_type, tag, body):
    a.sendall(struct.pack("<IBH", 7 + len(body), body_type, tag) + body)
    size, t, tg = struct.unpack("<IBH", a.recv(7, socket.MSG_WAITALL))
    return t, a.recv(size - 7, socket.MSG_WAITALL)
s = lambda x: struct.pack("<H", len(x)) + x
rpc(100, 0xffff, struct.pack("<I", 65536) + s(b"9P2000.L"))
PY

# Stopped and continued (a debugger, job control) while waiting with a
# timeout: the wait resumes through restart_syscall, which both filters
# must allow, and the pair keeps serving.
helper=$(pgrep -P "$p1" | head -1)
: >"$tmp/exp/stopfile"
timeout 20 python3 - "$tmp/sock" "$p1" "$helper" >"$tmp/stop.out" 2>&1 <<'PY'
import os, signal, subprocess, time
exec(open(os.environ["P9PRELUDE"]).read())
pids = [int(p) for p in sys.argv[2:] if p]
t, r = rpc(104, 1, struct.pack("<II", 0, 0xffffffff) + s(b"root") + s(b"") + struct.pack("<I", 0))
good = t == 105
for i in range(5):
    # a walked and clunked fid leaves a handle for the releaser's timed wait
    t, r = rpc(110, 2, struct.pack("<IIH", 0, 1, 1) + s(b"stopfile"))
    t2, r = rpc(120, 3, struct.pack("<I", 1))
    good = good and t == 111 and t2 == 121
    for p in pids:
        os.kill(p, signal.SIGSTOP)
    time.sleep(0.05)
    for p in pids:
        os.kill(p, signal.SIGCONT)
    # and a debugger attaching to every thread and leaving again
    if i % 2 == 0:
        t, r = rpc(110, 2, struct.pack("<IIH", 0, 1, 1) + s(b"stopfile"))
        rpc(120, 3, struct.pack("<I", 1))
        subprocess.run(["timeout", "0.3", "strace", "-f", "-o", "/dev/null",
                        "-p", str(pids[0])], stderr=subprocess.DEVNULL)
    time.sleep(0.1)
t, r = rpc(24, 4, struct.pack("<IQ", 0, 0x7ff))
print("served", good and t == 25)
PY
grep -q "served True" "$tmp/stop.out" && kill -0 "$p1" 2>/dev/null &&
    kill -0 "$helper" 2>/dev/null
tap $? "SIGSTOP/SIGCONT and strace attach in timed waits: both live, still serving"

# The helper dies: every request fails with EIO, nothing hangs, and the
# frontend says so once in its log.
helper=$(pgrep -P "$p1" | head -1)
[ -n "$helper" ]; tap $? "the helper runs as a child of vfsd"
[ -n "$helper" ] && kill "$helper"
sleep 0.3
timeout 10 python3 - "$tmp/sock" >"$tmp/eio.out" 2>&1 <<'PY'
import os
exec(open(os.environ["P9PRELUDE"]).read())
for i in range(3):
    t, r = rpc(104, 1 + i, struct.pack("<II", i, 0xffffffff) + s(b"nobody") + s(b"") + struct.pack("<I", 0xffffffff))
    print("attach", t, struct.unpack("<I", r[:4])[0] if t == 7 else -1)
PY
[ "$(grep -c 'attach 7 5' "$tmp/eio.out")" = 3 ]
tap $? "helper gone: every request gets Rlerror(EIO), no hang"
kill -0 "$p1" 2>/dev/null; tap $? "helper gone: the frontend keeps running"
[ "$(grep -c 'helper is gone' "$tmp/log1")" = 1 ]; tap $? "helper gone: logged once"

# --readonly: creations and xattr writes are refused with EROFS.
"$vfsd" --export "$tmp/exp" --security-model passthrough --readonly \
    --listen "unix:$tmp/ro.sock" 2>"$tmp/log3" &
p3=$!; pids="$pids $p3"
i=0; while [ ! -S "$tmp/ro.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
timeout 10 python3 - "$tmp/ro.sock" >"$tmp/ro.out" 2>&1 <<'PY'
import socket, struct, sys
a = socket.socket(socket.AF_UNIX)
a.connect(sys.argv[1])
def rpc(body_type, tag, body):
    a.sendall(struct.pack("<IBH", 7 + len(body), body_type, tag) + body)
    size, t, tg = struct.unpack("<IBH", a.recv(7, socket.MSG_WAITALL))
    return t, a.recv(size - 7, socket.MSG_WAITALL)
s = lambda x: struct.pack("<H", len(x)) + x
u32 = lambda *v: struct.pack("<%dI" % len(v), *v)
err = lambda t, r: struct.unpack("<I", r[:4])[0] if t == 7 else 0
rpc(100, 0xffff, u32(65536) + s(b"9P2000.L"))
print("attach", rpc(104, 1, u32(0, 0xffffffff) + s(b"") + s(b"") + u32(0))[0])
print("walk", rpc(110, 2, u32(0, 1) + struct.pack("<H", 0))[0])
t, r = rpc(14, 3, u32(1) + s(b"newfile") + u32(0o100101, 0o100644, 0))
print("lcreate", t, err(t, r))
t, r = rpc(72, 4, u32(0) + s(b"newdir") + u32(0o40755, 0))
print("mkdir", t, err(t, r))
t, r = rpc(32, 5, u32(1) + s(b"user.x") + struct.pack("<Q", 1) + u32(0))
print("xattrcreate", t, err(t, r))
PY
grep -q "lcreate 7 30" "$tmp/ro.out" && grep -q "mkdir 7 30" "$tmp/ro.out" &&
    grep -q "xattrcreate 7 30" "$tmp/ro.out"
tap $? "--readonly: lcreate, mkdir and xattrcreate get EROFS"
[ ! -e "$tmp/exp/newfile" ] && [ ! -e "$tmp/exp/newdir" ]
tap $? "--readonly: nothing was created on the host"

# fd transport: one inherited connection; vfsd exits when it closes.
python3 - "$vfsd" "$tmp/exp" >"$tmp/fd.out" 2>&1 <<'PY'
import os, socket, struct, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[1], "--export", sys.argv[2],
    "--security-model", "passthrough", "--listen", "fd:%d" % b.fileno()],
    pass_fds=[b.fileno()], stderr=subprocess.DEVNULL)
b.close()
def rpc(body_type, tag, body):
    a.sendall(struct.pack("<IBH", 7 + len(body), body_type, tag) + body)
    hdr = a.recv(7, socket.MSG_WAITALL)
    size, t, tg = struct.unpack("<IBH", hdr)
    rest = a.recv(size - 7, socket.MSG_WAITALL)
    return t, tg, rest
s = lambda x: struct.pack("<H", len(x)) + x
t, tg, r = rpc(100, 0xffff, struct.pack("<I", 65536) + s(b"9P2000.L"))
print("version", t, r[6:].decode(errors="replace"))
t, tg, r = rpc(104, 1, struct.pack("<II", 0, 0xffffffff) + s(b"nobody") + s(b"") + struct.pack("<I", 0xffffffff))
print("attach", t, r[0])
a.close()
print("exit", p.wait(timeout=10))
PY
grep -q "version 101 .*9P2000" "$tmp/fd.out"; tap $? "fd transport: Tversion answered"
grep -q "attach 105 128" "$tmp/fd.out"; tap $? "fd transport: attach gives a directory qid"
grep -q "exit 0" "$tmp/fd.out"; tap $? "fd transport: vfsd exits 0 when the connection closes"
# --no-sandbox (profiling only): both processes warn, run without a
# seccomp filter, and still serve.
"$vfsd" --export "$tmp/exp" --security-model passthrough --no-sandbox \
    --listen "unix:$tmp/ns.sock" 2>"$tmp/log4" &
p4=$!; pids="$pids $p4"
i=0; while [ ! -S "$tmp/ns.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
# The listener opens before the helper starts: wait for both warnings.
i=0; while [ "$(grep -c 'no-sandbox' "$tmp/log4")" -lt 2 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
h4=$(pgrep -P "$p4" | head -1)
grep -q "^Seccomp:[[:space:]]*0" "/proc/$p4/status" && [ -n "$h4" ] &&
    grep -q "^Seccomp:[[:space:]]*0" "/proc/$h4/status"
tap $? "--no-sandbox: neither process has a seccomp filter"
grep -q "no-sandbox.*profiling" "$tmp/log4" &&
    [ "$(grep -c 'no-sandbox' "$tmp/log4")" -ge 2 ]
tap $? "--no-sandbox: frontend and helper both log a warning"
timeout 10 python3 - "$tmp/ns.sock" >"$tmp/ns.out" 2>&1 <<'PY'
import socket, struct, sys
a = socket.socket(socket.AF_UNIX)
a.connect(sys.argv[1])
def rpc(body_type, tag, body):
    a.sendall(struct.pack("<IBH", 7 + len(body), body_type, tag) + body)
    size, t, tg = struct.unpack("<IBH", a.recv(7, socket.MSG_WAITALL))
    return t, a.recv(size - 7, socket.MSG_WAITALL)
s = lambda x: struct.pack("<H", len(x)) + x
u32 = lambda *v: struct.pack("<%dI" % len(v), *v)
rpc(100, 0xffff, u32(65536) + s(b"9P2000.L"))
print("attach", rpc(104, 1, u32(0, 0xffffffff) + s(b"") + s(b"") + u32(0))[0])
print("getattr", rpc(24, 2, u32(0) + struct.pack("<Q", 0x7ff))[0])
PY
grep -q "attach 105" "$tmp/ns.out" && grep -q "getattr 25" "$tmp/ns.out"
tap $? "--no-sandbox: attach and getattr answered"

exit $fail
