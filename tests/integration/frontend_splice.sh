#!/bin/sh
# frontend_splice.sh - large Rreads, which the frontend splices from the
# page cache into the socket: byte-exact around the threshold and at
# unaligned offsets, at and past end of file, on a file truncated and
# extended meanwhile, many at once on one connection, with Tflush racing
# them, and with clients leaving mid-reply; over a unix socket and TCP,
# with the real sandbox (so a missing seccomp rule kills the server), in
# build/ and build-san/ when that exists (whose log must stay free of
# sanitizer reports).  And the fd transport over pipes, which keeps the
# plain path.  The client is splice_client.py next to this file.
top=$(cd "$(dirname "$0")/../.." && pwd)
client=$top/tests/integration/splice_client.py
n=0; fail=0
tap() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
if [ ! -x "$top/build/vfsd" ]; then
	tap 1 "build/vfsd is built"; exit 1
fi
tmp=$(mktemp -d /tmp/vfsd-splice.XXXXXX)
chmod 755 "$tmp"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

runs="build:unix build:tcp"
[ -x "$top/build-san/vfsd" ] && runs="$runs build-san:unix build-san:tcp"
for run in $runs; do
	bdir=${run%%:*}; tr=${run#*:}
	tag="$tr"; [ "$bdir" = build-san ] && tag="$tr (asan)"
	exp=$tmp/$bdir-$tr; mkdir -p "$exp"; chmod 777 "$exp"
	log=$tmp/$bdir-$tr.log
	if [ "$tr" = unix ]; then
		listen=unix:$tmp/$bdir.sock addr=$listen
	else
		port=$(free_port); listen=tcp:127.0.0.1:$port
		addr=tcp:127.0.0.1:$port
	fi
	"$top/$bdir/vfsd" --export "$exp" --security-model passthrough \
	    --listen "$listen" 2>"$log" &
	pid=$!
	i=0
	until python3 "$client" --probe "$addr" 2>/dev/null || [ $i -ge 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	timeout 120 python3 "$client" "$addr" "$exp" "$pid" >"$tmp/out" 2>&1
	rc=$?
	while read -r line; do
		case "$line" in
		"ok - "*) tap 0 "$tag: ${line#ok - }" ;;
		"not ok - "*) tap 1 "$tag: ${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$tmp/out"
	[ $rc -eq 0 ]; tap $? "$tag: the client ran to its end"
	kill -0 "$pid" 2>/dev/null; tap $? "$tag: vfsd (sandboxed) still running"
	kill "$pid"; wait "$pid" 2>/dev/null; pid=
	if [ "$bdir" = build-san ]; then
		! grep -q "ERROR: AddressSanitizer\|runtime error:" "$log"
		tap $? "$tag: no sanitizer report"
	fi
	grep -q "SIGSYS\|seccomp" "$log" && tap 1 "$tag: seccomp kill in log"
done

# fd transport over pipes: the plain path, same bytes.
mkdir -p "$tmp/fdexp"
head -c 3000000 /dev/urandom >"$tmp/fdexp/f"
chmod -R a+rwX "$tmp/fdexp"
timeout 60 python3 - "$top/build/vfsd" "$tmp/fdexp" >"$tmp/fd.out" 2>&1 <<'PY'
import os, struct, subprocess, sys
c2s_r, c2s_w = os.pipe()
s2c_r, s2c_w = os.pipe()
p = subprocess.Popen([sys.argv[1], "--export", sys.argv[2],
    "--security-model", "passthrough", "--listen",
    "fd:%d,%d" % (c2s_r, s2c_w)], pass_fds=[c2s_r, s2c_w],
    stderr=subprocess.DEVNULL)
os.close(c2s_r); os.close(s2c_w)
def readn(n):
    b = b""
    while len(b) < n:
        k = os.read(s2c_r, n - len(b))
        if not k:
            raise EOFError
        b += k
    return b
def rpc(t, tag, body):
    os.write(c2s_w, struct.pack("<IBH", 7 + len(body), t, tag) + body)
    size, rt, rtag = struct.unpack("<IBH", readn(7))
    return rt, readn(size - 7)
s = lambda x: struct.pack("<H", len(x)) + x
rpc(100, 0xffff, struct.pack("<I", 1 << 20) + s(b"9P2000.L"))
rpc(104, 1, struct.pack("<II", 0, 0xffffffff) + s(b"root") + s(b"") + struct.pack("<I", 0))
rpc(110, 1, struct.pack("<IIH", 0, 1, 1) + s(b"f"))
rpc(12, 1, struct.pack("<II", 1, 0))
data = open(sys.argv[2] + "/f", "rb").read()
good = True
for off in (0, 1, 4097, 2000000):
    t, body = rpc(116, 2, struct.pack("<IQI", 1, off, (1 << 20) - 24))
    good = good and t == 117 and body[4:] == data[off:off + (1 << 20) - 24]
print("fdpipe", good)
os.close(c2s_w)
p.wait(timeout=10)
PY
grep -q "fdpipe True" "$tmp/fd.out"
tap $? "fd transport over pipes: big reads byte-exact (plain path)"
exit $fail
