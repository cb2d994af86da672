#!/bin/sh
# frontend_poll.sh - the reader's poll for the next request (frontend/
# spin.c), seen from outside: a client with one request in flight
# (build/tools/p9load, 3,000 Tgetattr back to back on one connection) is
# answered in full either way; with --poll-us 0 the frontend's reader
# waits for every request in a blocking read() (counted by strace -c);
# with a poll window and the client pinned to the other CPU, on a unix
# socket and over TCP, most requests are caught by polling (the reader's
# line in the --debug log at the connection's end); pinned to the
# server's CPU over TCP it is waited for in read() (it cannot send while
# the reader polls there); and when polling makes the client's turnaround
# longer (here: strace stops the reader at every poll) the reader's trial
# goes back to blocking.  Also --poll-us out of range is refused.
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

# run BUILD POLL_US TRACE unix|tcp [SERVER_CPU CLIENT_CPU]: serve on a
# unix socket or TCP (with CPUs given, the server and client pinned),
# run p9load (under strace when TRACE is 1), print "reads
# recvfroms-that-got-data errors ops waits caught polled-phases phases":
# the first two from strace (0 0 without), the last four from the
# reader's line in the frontend's --debug log at the connection's end.
run() {
	b=$1 us=$2 trace=$3 tr=$4
	shift 4
	log=$tmp/$b-$us-$trace-$tr.log
	if [ "$tr" = tcp ]; then
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		listen=tcp:127.0.0.1:$port
	else
		listen=unix:$tmp/$b-$us-$trace.sock
	fi
	cpin=
	[ $# -gt 0 ] && cpin="taskset -c $2"
	"$top/$b/vfsd" --export "$tmp/exp" --security-model passthrough \
	    --listen "$listen" --poll-us "$us" --debug 2>"$log" &
	pid=$!
	# Pinned after start: it counts the CPUs it may poll on at start.
	[ $# -gt 0 ] && { sleep 0.3; taskset -a -p -c "$1" "$pid" >/dev/null; }
	i=0
	while ! $cpin "$p9load" -s "$listen" -w getattr -f f -o 200 \
	    >/dev/null 2>&1 && [ $i -lt 50 ]; do	# warm-up: attach, walk
		sleep 0.1; i=$((i + 1))
	done
	if [ "$trace" = 1 ]; then
		strace -f -c -e trace=read,recvfrom -o "$tmp/st" -p "$pid" 2>/dev/null &
		spid=$!
		sleep 0.5	# attached
	fi
	out=$($cpin "$p9load" -s "$listen" -w getattr -f f -o "$OPS" 2>&1)
	if [ "$trace" = 1 ]; then
		kill -INT "$spid"; wait "$spid" 2>/dev/null
	fi
	sleep 0.2	# the connection's end is logged
	kill "$pid"; wait "$pid" 2>/dev/null; pid=
	errs=$(echo "$out" | sed -n 's/.*errors=\([0-9]*\).*/\1/p')
	ops=$(echo "$out" | sed -n 's/.* ops=\([0-9]*\).*/\1/p')
	# The second connection's line (the first is the warm-up's).
	rd=$(sed -n 's/.*reader: \([0-9]*\) waits for a request, \([0-9]*\) caught by polling; polled in \([0-9]*\) of \([0-9]*\) phases.*/\1 \2 \3 \4/p' "$log" | tail -1)
	[ -n "$rd" ] || rd="x x x x"
	if [ "$trace" = 1 ]; then
		set -- $(calls read "$tmp/st") 0 0
		reads=$1
		set -- $(calls recvfrom "$tmp/st") 0 0
		echo "$reads $(($1 - $2)) ${errs:-x} ${ops:-0} $rd"
	else
		echo "0 0 ${errs:-x} ${ops:-0} $rd"
	fi
}

num() { case "$1" in ''|*[!0-9]*) return 1 ;; esac; }

builds=build
[ -x "$top/build-san/vfsd" ] && builds="$builds build-san"
for b in $builds; do
	tag=$b; [ "$b" = build-san ] && tag="asan"
	set -- $(run "$b" 0 1 unix)
	[ "$3" = 0 ] && [ "$4" -ge $OPS ]
	tap $? "$tag, --poll-us 0: $4 Tgetattr answered, $3 errors"
	[ "$1" -ge $OPS ] && [ "$2" = 0 ] && [ "$6" = 0 ]
	tap $? "$tag, --poll-us 0: every request waited for in read() ($1 reads, $2 polled for $OPS requests; log: $6 caught)"
	if [ "$(nproc)" -lt 2 ]; then
		echo "ok - $tag: the polling cases # SKIP one CPU: nobody polls"
	else
		# A wide window (2 ms) so that a loaded machine delaying the
		# client by a time slice now and then does not fail the test.
		# Pinned apart: unpinned, the scheduler may put client and
		# reader on one CPU for a while, where the trial may rightly
		# find polling no faster.
		set -- $(run "$b" 2000 0 unix 0 1)
		[ "$3" = 0 ] && [ "$4" -ge $OPS ]
		tap $? "$tag, --poll-us 2000: $4 Tgetattr answered, $3 errors"
		num "$5" && [ "$5" -ge $OPS ] && [ "$6" -ge $((OPS / 2)) ]
		tap $? "$tag, --poll-us 2000: the reader polls instead ($6 of $5 waits caught by polling, polled in $7 of $8 phases)"
		# Under strace every poll is a stop in the tracer: polling
		# costs the client more than it saves, and the reader's trial
		# (spin.c) finds that out from the turnaround and blocks but
		# for about a phase in 8.
		set -- $(run "$b" 2000 1 unix 0 1)
		[ "$3" = 0 ] && num "$7" && [ "$8" -ge 10 ] &&
		    [ "$7" -le $(($8 / 3)) ] && [ "$1" -ge $((OPS / 2)) ]
		tap $? "$tag, --poll-us 2000 under strace: polling slows the client, the reader blocks instead (polled in $7 of $8 phases, $1 reads, $2 polled)"
		set -- $(run "$b" 2000 1 tcp 0 0)
		[ "$3" = 0 ] && [ "$1" -ge $((OPS * 3 / 4)) ] && [ "$6" = 0 ]
		tap $? "$tag, tcp, client on the server's CPU: waited for in read() ($1 reads, $2 polled, $3 errors; log: $6 caught)"
		set -- $(run "$b" 2000 0 tcp 0 1)
		[ "$3" = 0 ] && num "$6" && [ "$6" -ge $((OPS / 2)) ]
		tap $? "$tag, tcp, client on another CPU: polled for ($6 of $5 waits caught, polled in $7 of $8 phases, $3 errors)"
	fi
	if [ "$b" = build-san ]; then
		! grep -q "Sanitizer\|runtime error" "$tmp"/build-san-*.log
		tap $? "asan: no sanitizer reports"
	fi
done
exit $fail
