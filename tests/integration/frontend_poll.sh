#!/bin/sh
# frontend_poll.sh - the reader's poll for the next request (frontend/
# spin.c), seen from outside: a client with one request in flight
# (build/tools/p9load, 3,000 Tgetattr back to back on one connection,
# unix socket) is answered in full either way, and the frontend's reader
# waits for a request in a blocking read() about once per request with
# --poll-us 0, but rarely with a poll window, where non-blocking
# recvfrom()s pick the requests up (counted by strace -c on the frontend).
# Over TCP with two CPUs, the same client pinned to the server's CPU is
# waited for in read() (it cannot send while the reader polls there) and
# pinned to the other CPU is polled for.  Also --poll-us out of range is
# refused.
# Runs the ASan+UBSan build (build-san/vfsd) too when it exists; its log
# must then be free of sanitizer reports.
top=$(cd "$(dirname "$0")/../.." && pwd)
p9load=$top/build/tools/p9load
OPS=3000
n=0; fail=0
tap() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
if [ ! -x "$top/build/vfsd" ] || [ ! -x "$p9load" ]; then
	tap 1 "build/vfsd and build/tools/p9load are built"; exit 1
fi
tmp=$(mktemp -d /tmp/vfsd-poll.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
mkdir "$tmp/exp"
: >"$tmp/exp/f"

for bad in -1 10001 abc ""; do
	"$top/build/vfsd" --export "$tmp/exp" --security-model passthrough \
	    --listen "unix:$tmp/bad" --poll-us "$bad" >"$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q -- "--poll-us wants" "$tmp/out" &&
	    [ ! -e "$tmp/bad" ]
	tap $? "--poll-us '$bad' refused (exit 2, nothing listens)"
done

# calls NAME FILE: calls (and errors) of NAME in strace -c output FILE.
calls() {
	awk -v n="$1" '$NF == n { print $4, (NF == 6 ? $5 : 0) }' "$2"
}

# run BUILD POLL_US [SERVER_CPU CLIENT_CPU]: serve (on a unix socket, or
# with CPUs given on TCP with the server and client pinned), run p9load
# under strace, print "reads recvfroms-that-got-data errors ops".
run() {
	log=$tmp/$1-$2.log
	if [ $# -gt 2 ]; then
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		listen=tcp:127.0.0.1:$port cpin="taskset -c $4"
	else
		listen=unix:$tmp/$1-$2.sock cpin=
	fi
	"$top/$1/vfsd" --export "$tmp/exp" --security-model passthrough \
	    --listen "$listen" --poll-us "$2" 2>"$log" &
	pid=$!
	# Pinned after start: it counts the CPUs it may poll on at start.
	[ $# -gt 2 ] && { sleep 0.3; taskset -a -p -c "$3" "$pid" >/dev/null; }
	i=0
	while ! $cpin "$p9load" -s "$listen" -w getattr -f f -o 200 \
	    >/dev/null 2>&1 && [ $i -lt 50 ]; do	# warm-up: attach, walk
		sleep 0.1; i=$((i + 1))
	done
	strace -f -c -e trace=read,recvfrom -o "$tmp/st" -p "$pid" 2>/dev/null &
	spid=$!
	sleep 0.5	# attached
	out=$($cpin "$p9load" -s "$listen" -w getattr -f f -o "$OPS" 2>&1)
	kill -INT "$spid"; wait "$spid" 2>/dev/null
	kill "$pid"; wait "$pid" 2>/dev/null; pid=
	errs=$(echo "$out" | sed -n 's/.*errors=\([0-9]*\).*/\1/p')
	ops=$(echo "$out" | sed -n 's/.* ops=\([0-9]*\).*/\1/p')
	set -- $(calls read "$tmp/st") 0 0
	reads=$1
	set -- $(calls recvfrom "$tmp/st") 0 0
	echo "$reads $(($1 - $2)) ${errs:-x} ${ops:-0}"
}

builds=build
[ -x "$top/build-san/vfsd" ] && builds="$builds build-san"
for b in $builds; do
	tag=$b; [ "$b" = build-san ] && tag="asan"
	set -- $(run "$b" 0)
	[ "$3" = 0 ] && [ "$4" -ge $OPS ]
	tap $? "$tag, --poll-us 0: $4 Tgetattr answered, $3 errors"
	[ "$1" -ge $OPS ] && [ "$2" = 0 ]
	tap $? "$tag, --poll-us 0: every request waited for in read() ($1 reads, $2 polled for $OPS requests)"
	# A wide window (2 ms) so that a loaded machine delaying the client
	# by a time slice now and then does not fail the test.
	set -- $(run "$b" 2000)
	[ "$3" = 0 ] && [ "$4" -ge $OPS ]
	tap $? "$tag, --poll-us 2000: $4 Tgetattr answered, $3 errors"
	[ "$1" -le $((OPS / 2)) ] && [ "$2" -ge $((OPS / 2)) ]
	tap $? "$tag, --poll-us 2000: the reader polls instead ($1 reads, $2 polled for $OPS requests)"
	if [ "$(nproc)" -ge 2 ]; then
		set -- $(run "$b" 2000 0 0)
		[ "$3" = 0 ] && [ "$1" -ge $((OPS * 3 / 4)) ]
		tap $? "$tag, tcp, client on the server's CPU: waited for in read() ($1 reads, $2 polled, $3 errors)"
		set -- $(run "$b" 2000 0 1)
		[ "$3" = 0 ] && [ "$2" -ge $((OPS / 2)) ]
		tap $? "$tag, tcp, client on another CPU: polled for ($1 reads, $2 polled, $3 errors)"
	fi
	if [ "$b" = build-san ]; then
		! grep -q "Sanitizer\|runtime error" "$tmp"/build-san-*.log
		tap $? "asan: no sanitizer reports"
	fi
done
exit $fail
