#!/bin/sh
# run.sh - `make bench`: vfsd side by side with diod and nfs-ganesha (and,
# with BENCH_GUEST=1, QEMU's own 9p server, its proxy helper, virtiofsd
# and NFS in a real guest).  Builds nothing: make did.
#
# Every server serves the same export directory on loopback, in turn.  The
# export holds: big (BIG_MB MiB), d10k/ (10,000 empty files), work/ (for
# creates and writes), and zero + null for diodload (which attaches with
# aname `ctl`: diod answers from its synthetic ctl file system, vfsd
# ignores the aname and serves the export).
#
# Environment:
#   BENCH_QUICK=1    a smoke run in under 2 minutes (1 repetition, 1 s
#                    runs, fewer thread counts, no callgrind, no ganesha)
#   BENCH_GUEST=1    also the guest-level rows (bench/guest.sh; long)
#   BENCH_ONLY=guest only the guest-level rows (no host rows)
#   BENCH_PROXY=0    leave out the QEMU proxy helper table (bench/proxy.sh)
#   BENCH_RELAY=0    leave out the data-through-the-helper table (relay.sh)
#   BENCH_REPS=N     repetitions (default 3; medians with min/max)
#   BENCH_SERVERS    default "vfsd diod ganesha"
#   BENCH_GUEST_REPS=N  guest repetitions, round the servers (default 1)
#   BENCH_CALLGRIND=0/1  instructions per op (default 1, 0 when quick)
#   BENCH_OUT=DIR    where results go (default bench/results)
#   BENCH_KEEP=1     keep the work dir (servers' logs, guest logs)
# Output: the table on stdout; BENCH_OUT/results.csv (medians, min, max),
# results.json, raw.csv (every repetition), errors.csv, table.txt.
ulimit -S -c 0 2>/dev/null  # no core files from a crashing peer (soft limit: diod raises its own)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
. "$here/host.sh"
. "$here/cg.sh"

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	REPS=${BENCH_REPS:-1} SECS=1 DL_SECS=2 BIG_MB=64
	THREADS_DL="4 16" THREADS_SCALE="1 64" IDLE_CONNS=64
	SERVERS=${BENCH_SERVERS:-vfsd diod} CALLGRIND=${BENCH_CALLGRIND:-0}
	CG_OPS=2000
else
	REPS=${BENCH_REPS:-3} SECS=3 DL_SECS=4 BIG_MB=512
	THREADS_DL="1 4 16" THREADS_SCALE="1 2 4 8 16 32 64" IDLE_CONNS=64
	SERVERS=${BENCH_SERVERS:-vfsd diod ganesha}
	CALLGRIND=${BENCH_CALLGRIND:-1} CG_OPS=20000
fi
MIX_THREADS=4
WRAP_MB=256
WRAP=$((WRAP_MB << 20))
OUT=${BENCH_OUT:-$here/results}

# bench installs its own extras (nfs-ganesha is not a test dependency).
extras() {
	need=""
	for p in nfs-ganesha nfs-ganesha-vfs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || need="$need $p"
	done
	[ -z "$need" ] && return 0
	[ "$(id -u)" = 0 ] || { echo "bench: ganesha missing; skipped" >&2; return 1; }
	echo "bench: installing$need" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null 2>&1
}

W=$(mktemp -d /tmp/vfsd-bench.XXXXXX)
EXPORT=$W/export
RAW=$W/raw.csv
ERR=$W/errors.csv
: >"$RAW"; : >"$ERR"
cleanup() {
	for s in $SERVERS; do
		[ -f "$here/peers/$s.sh" ] && "$here/peers/$s.sh" stop "$W/st-$s" 2>/dev/null
	done
	"$here/peers/vfsd.sh" stop "$W/st-vfsd-unix" 2>/dev/null
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: work dir kept: $W" >&2
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SRV="" REP=1
record() { # TEST PARAM METRIC VALUE
	echo "$1,$2,$3,$SRV,$REP,$4" >>"$RAW"
}
record_error() { # TEST PARAM MESSAGE
	echo "$SRV,$1,$2,$(echo "$3" | tr ',\n' ';  ')" >>"$ERR"
	echo "bench: $SRV $1 $2: $3" >&2
}

fixtures() {
	mkdir -p "$EXPORT/d10k" "$EXPORT/work"
	(cd "$EXPORT/d10k" && seq 1 10000 | sed 's/^/f/' | xargs touch)
	dd if=/dev/zero of="$EXPORT/big" bs=1M count="$BIG_MB" 2>/dev/null
	dd if=/dev/zero of="$EXPORT/zero" bs=1M count=2 2>/dev/null
	: >"$EXPORT/null"
	chmod -R a+rwX "$EXPORT"
}

# start_server NAME [STATE]: start a peer, load its key=value lines.
start_server() {
	st=${2:-$W/st-$1}
	kvs=$("$here/peers/$1.sh" start "$st" "$EXPORT") || {
		SRV=$1 record_error start - "$kvs"
		return 1
	}
	ADDR=$(echo "$kvs" | sed -n 's/^addr=//p')
	ANAME=$(echo "$kvs" | sed -n 's/^aname=//p')
	PID=$(echo "$kvs" | sed -n 's/^pid=//p')
	CTL=$(echo "$kvs" | sed -n 's/^ctl=//p')
	MSIZE_MAX=$(echo "$kvs" | sed -n 's/^msize=//p')
	return 0
}

# Server still alive after a step?  A crash is an error, and the server
# is restarted so the following steps still measure something.
check_alive() { # NAME STEP
	kill -0 "$PID" 2>/dev/null && return 0
	SRV=$1 record_error "$2" - "server exited (log: $W/st-$1)"
	start_server "$1"
}

host_server() { # NAME
	SRV=$1
	start_server "$1" || return
	REP=1
	# Idle memory first, on a fresh server (after one warm-up client).
	t_idle_rss; check_alive "$1" idle
	while [ "$REP" -le "$REPS" ]; do
		echo "bench: $1 repetition $REP/$REPS" >&2
		t_diodload; check_alive "$1" diodload
		t_mixes; check_alive "$1" mixes
		t_scale; check_alive "$1" scale
		REP=$((REP + 1))
	done
	"$here/peers/$1.sh" stop "$W/st-$1"
	if [ "$1" = vfsd ]; then
		LISTEN=unix:$W/vfsd.sock start_server vfsd "$W/st-vfsd-unix" || return
		# The page-cache reference alternates with vfsd's reads, so
		# both see the same machine (dd alone moved 12-18 GB/s here).
		REP=1
		while [ "$REP" -le "$REPS" ]; do
			t_unix_seqread
			SRV=page-cache t_dd
			REP=$((REP + 1))
		done
		SRV=vfsd
		"$here/peers/vfsd.sh" stop "$W/st-vfsd-unix"
	fi
	rm -f "$EXPORT"/work/* 2>/dev/null
}

host_all() {
	case " $SERVERS " in *" ganesha "*) extras || SERVERS=$(echo "$SERVERS" |
	    sed 's/ganesha//') ;; esac
	fixtures
	for s in $SERVERS; do
		host_server "$s"
	done
	case " $SERVERS " in *" vfsd "*) ;; *)	# else measured beside vfsd
		SRV=page-cache REP=1
		while [ "$REP" -le "$REPS" ]; do t_dd; REP=$((REP + 1)); done ;;
	esac
	if [ "$CALLGRIND" = 1 ]; then
		echo "bench: callgrind" >&2
		REP=1
		for s in vfsd diod; do
			case " $SERVERS " in *" $s "*) SRV=$s; t_callgrind "$s" ;; esac
		done
	fi
}

main() {
	echo "bench: work dir $W, servers: $SERVERS, reps $REPS" >&2
	if [ "${BENCH_ONLY:-}" = guest ]; then
		BENCH_GUEST=1
	else
		host_all
	fi
	if [ "${BENCH_GUEST:-0}" = 1 ]; then
		. "$here/guest.sh"
		guest_all
	fi
	mkdir -p "$OUT"
	cp "$RAW" "$OUT/raw.csv"; cp "$ERR" "$OUT/errors.csv"
	awk -F, -v csv="$OUT/results.csv" -v json="$OUT/results.json" \
	    -f "$here/report.awk" "$RAW" "$ERR" | tee "$OUT/table.txt"
	# the guest rows again, as ratios to QEMU local, with their targets
	grep -q '^guest-' "$OUT/results.csv" && awk -F, \
	    -f "$here/guest/table.awk" "$OUT/results.csv" | tee -a "$OUT/table.txt"
	# Two tables of their own, measured in this run too: vfsd's helper
	# against QEMU's virtfs-proxy-helper (issue 3), and file data through
	# the helper against the frontend's descriptor (issue 6's alternative).
	if [ "${BENCH_ONLY:-}" != guest ]; then
		if [ "${BENCH_PROXY:-1}" = 1 ]; then
			echo "bench: proxy helpers" >&2
			echo "# proxy helper round trips (bench/proxy.sh)"
			if [ "$QUICK" = 1 ]; then sh "$here/proxy.sh" 300 3
			else sh "$here/proxy.sh"; fi
		fi | tee -a "$OUT/table.txt"
		if [ "${BENCH_RELAY:-1}" = 1 ]; then
			echo "bench: relay" >&2
			if [ "$QUICK" = 1 ]; then RELAY_DIR=$W sh "$here/relay.sh" 32 3
			else RELAY_DIR=$W sh "$here/relay.sh"; fi
		fi | tee -a "$OUT/table.txt"
	fi
	{
		echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r), $(nproc) cpus," \
		    "quick=$QUICK reps=$REPS secs=$SECS," \
		    "load $(cut -d' ' -f1-3 /proc/loadavg)"
	} >>"$OUT/table.txt"
}

main
