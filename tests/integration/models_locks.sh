#!/bin/sh
# Locks between a real guest and a host process on one vfsd export (the
# frontend takes the guest's locks as OFD locks on the fid's descriptor).
# tests/guest/glock.c runs on both sides; they take turns through marker
# files in ./lk of the export:
#   1. the guest holds an fcntl F_SETLK write lock, then a flock: each time
#      the host's F_OFD_SETLK and F_SETLK fail with EAGAIN and F_OFD_GETLK
#      reports a write lock; after the guest releases the host gets both
#   2. the host holds an F_SETLK write lock: the guest's F_SETLK and
#      flock(LOCK_NB) fail (EAGAIN), its F_GETLK reports it, and its
#      F_SETLKW waits until the host releases 2 s later (the server parks
#      the blocking Tlock; no 30 s client retry)
# A host flock() never conflicts with the guest's locks: 9P carries flock
# as a byte-range Tlock, and Linux keeps flock and fcntl locks apart; the
# run reports what the host's flock saw as a comment.
#   VFSD_LOCK_MODEL  the security model (default passthrough)
. "$(dirname "$0")/../guest/lib.sh"
g_init models-locks
m=${VFSD_LOCK_MODEL:-passthrough}
glock=$G_TOP/build/guest/glock
mkdir -p "$G_TOP/build/guest"
if ! gcc -static -O2 -Wall -Wextra -Werror -o "$glock.tmp" "$G_TOP/tests/guest/glock.c"; then
	g_notok "build tests/guest/glock.c"
	g_done
	exit 1
fi
mv "$glock.tmp" "$glock"

exp=$G_TMP/export out=$G_TMP/guest.out host=$G_TMP/host.out
mkdir -p "$exp/lk"
: >"$exp/lk/file"

expect() { # what want cmd...
	what=$1 want=$2
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then
		echo "ok - host: $what: $got"
	else
		echo "not ok - host: $what: got '$got', want '$want'"
	fi
}

# The host's half (runs while the guest boots and works).
host_side() {
	lk=$exp/lk
	if ! "$glock" waitfor "$lk/file" 120; then
		echo "not ok - host: the guest never reached the lock file"
		return
	fi
	for k in posix flock; do
		if ! "$glock" waitfor "$lk/g-$k-ready" 120; then
			echo "not ok - host: the guest never took its $k lock"
			return
		fi
		expect "F_OFD_SETLK while the guest holds a $k lock" busy "$glock" try ofd "$lk/file"
		expect "F_SETLK while the guest holds a $k lock" busy "$glock" try posix "$lk/file"
		expect "F_OFD_GETLK while the guest holds a $k lock" "locked write" "$glock" test ofd "$lk/file"
		echo "# host: flock(LOCK_NB) while the guest holds a $k lock: $("$glock" try flock "$lk/file")"
		"$glock" touch "$lk/g-$k-release"
		if ! "$glock" waitfor "$lk/g-$k-done" 60; then
			echo "not ok - host: the guest never released its $k lock"
			return
		fi
		expect "F_OFD_SETLK after the guest released its $k lock" free "$glock" try ofd "$lk/file"
		expect "F_SETLK after the guest released its $k lock" free "$glock" try posix "$lk/file"
		"$glock" touch "$lk/h-$k-checked"
	done
	"$glock" hold posix "$lk/file" "$lk/h-ready" "$lk/h-release" 120 >"$G_TMP/hold.out" &
	hp=$!
	if "$glock" waitfor "$lk/g-waiting" 60; then
		sleep 2
		echo "ok - host: the guest is waiting; releasing in 2 s"
	else
		echo "not ok - host: the guest never started its blocking wait"
	fi
	"$glock" touch "$lk/h-release"
	wait $hp
	echo "# host: $(cat "$G_TMP/hold.out")"
	"$glock" waitfor "$lk/g-got" 60 && echo "ok - host: the guest got the lock after the release" ||
		echo "not ok - host: the guest never got the lock"
}

if ! g_vfsd_start "$m" "$exp" "$G_TMP/vfsd.log"; then
	g_notok "$m: vfsd did not start"
	g_done
	exit 1
fi
host_side >"$host" 2>&1 &
hpid=$!
G_PIDS="$G_PIDS $hpid"
t0=$(date +%s)
"$G_RUN" --share "tcp:$G_VFSD_PORT" --bins "$glock" \
	--workload-file "$G_TOP/tests/guest/models_wl.sh" --workload locks \
	--timeout 240 --log "$out.con" >"$out" 2>&1
echo "# guest run took $(($(date +%s) - t0)) s"
# the guest is gone: markers the host still waits for will not come
"$glock" touch "$exp/lk/g-posix-done" "$exp/lk/g-flock-done" 2>/dev/null
wait $hpid
g_vfsd_stop
n=$(grep -c '^\(not \)\{0,1\}ok - ' "$out")
[ "$n" -ge 7 ] || { g_notok "$m: the guest ran $n of 7 lock checks"; tail -10 "$out" | sed 's/^/# /'; }
g_tap "$m" "$out"
n=$(grep -c '^\(not \)\{0,1\}ok - ' "$host")
[ "$n" -ge 12 ] || g_notok "$m: the host ran $n of 12 lock checks"
g_tap "$m" "$host"
g_done
