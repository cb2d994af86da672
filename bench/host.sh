# host.sh - the host-side measurements of bench/run.sh (sourced).
#
# Every function measures one thing against the server described by the
# peer's key=value lines (loaded into ADDR, ANAME, PID, MSIZE_MAX) and
# calls `record TEST PARAM METRIC VALUE` once per number, or
# `record_error TEST PARAM MESSAGE` when a tool failed.  SRV names the
# server being measured; REP the repetition.

P9LOAD=${P9LOAD:-$top/build/tools/p9load}

# kv KEY LINE: the value of KEY=... in a p9load result line.
kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# p9 TEST PARAM ARGS...: run p9load and record ops_s, MB_s (and
# entries_s for readdir) from its last line.
p9() {
	t=$1 prm=$2; shift 2
	out=$("$P9LOAD" -s "$ADDR" -a "$ANAME" "$@" 2>"$W/p9.err")
	rc=$?
	line=$(echo "$out" | tail -1)
	if [ $rc -ne 0 ] || [ -z "$line" ]; then
		record_error "$t" "$prm" "$(head -1 "$W/p9.err") $line"
		return 1
	fi
	P9LINE=$line
	return 0
}

# diodload N [-g]: run diodload with N threads for DL_SECS and print its
# last line with every rate rescaled to the time it really ran.
# diodload stops at the first whole second of time(2) at or after
# start + DL_SECS and divides its counts by DL_SECS, so the loop runs
# between DL_SECS - 1 and DL_SECS seconds: at DL_SECS=4 a rate came out
# up to 25% low, at random, on either server (issue 6's one-thread
# misses were within that).  The wall time of the whole run (a few ms of
# start-up and connect included) is the better divisor.
diodload_run() {
	t0=$(date +%s.%N)
	out=$(diodload -s "${ADDR#tcp:}" -n "$1" -r "$DL_SECS" ${2:-} \
	    -m 65536 2>&1 | tail -1)
	t1=$(date +%s.%N)
	echo "$out" | awk -v s="$DL_SECS" -v t0="$t0" -v t1="$t1" '
	    /ops\/s/ && t1 > t0 {
		f = s / (t1 - t0)
		for (i = 1; i <= NF; i++)
			if ($i ~ /^[0-9]+$/)
				$i = sprintf("%.0f", $i * f)
	    }
	    { print }'
}

# diodload with -g (getattr ops/s) and without (read and write MB/s), at
# msize 65536 (diod's cap), on aname ctl.
t_diodload() {
	[ "$CTL" = ctl ] || return 0
	for n in $THREADS_DL; do
		out=$(diodload_run "$n" -g)
		ops=$(echo "$out" | awk '/ops\/s/ {print $2}')
		if [ -n "$ops" ] && [ "$ops" -gt 0 ] 2>/dev/null; then
			record diodload-getattr "$n" ops_s "$ops"
		else
			record_error diodload-getattr "$n" "$out"
		fi
		out=$(diodload_run "$n")
		r=$(echo "$out" | awk '/rMB/ {print $4}')
		w=$(echo "$out" | awk '/wMB/ {print $6}')
		if [ -n "$r" ] && [ "$r" -gt 0 ] 2>/dev/null; then
			record diodload-read "$n" MB_s "$r"
			record diodload-write "$n" MB_s "$w"
		else
			record_error diodload-rw "$n" "$out"
		fi
	done
}

# The p9load mixes, each with MIX_THREADS connections at the server's
# largest msize (up to 1 MiB).
t_mixes() {
	n=$MIX_THREADS m=$MSIZE_MAX
	p9 walkstat "$n" -n "$n" -m "$m" -d "$SECS" -w walkstat -f big &&
	    record walk+getattr+clunk "$n" ops_s "$(kv ops_s "$P9LINE")"
	p9 create "$n" -n "$n" -m "$m" -d "$SECS" -w create -f work &&
	    record create+write4k+close+unlink "$n" ops_s "$(kv ops_s "$P9LINE")"
	p9 readdir "$n" -n "$n" -m "$m" -d "$SECS" -w readdir -f d10k &&
	    record readdir-10k "$n" entries_s "$(kv entries_s "$P9LINE")"
	p9 read "$n" -n "$n" -m "$m" -d "$SECS" -w read -f big &&
	    record p9load-read "$n" MB_s "$(kv MB_s "$P9LINE")"
	p9 write "$n" -n "$n" -m "$m" -d "$SECS" -w write -f work \
	    -z "$WRAP" && record p9load-write "$n" MB_s "$(kv MB_s "$P9LINE")"
	p9 seqread tcp -n 1 -m "$m" -d "$SECS" -w read -f big &&
	    record seqread-1thread tcp MB_s "$(kv MB_s "$P9LINE")"
}

# Sequential read at msize 1 MiB by one thread over a unix socket (only
# servers that listen on one: vfsd): one read in flight (each waits for
# the last), and two (a client's read-ahead: the server fills the next
# reply while the client copies this one).
t_unix_seqread() {
	p9 seqread unix -n 1 -m 1048576 -d "$SECS" -w read -f big &&
	    record seqread-1thread unix MB_s "$(kv MB_s "$P9LINE")"
	p9 seqread-ra2 unix -n 1 -m 1048576 -d "$SECS" -w read -f big -q 2 &&
	    record seqread-1thread-ra2 unix MB_s "$(kv MB_s "$P9LINE")"
}

# Scale: 64 connections at once, 100,000 fids on one connection, ops/s
# from 1 to 64 clients.
t_scale() {
	for n in $THREADS_SCALE; do
		p9 scale-getattr "$n" -n "$n" -m 65536 -d "$SECS" \
		    -w getattr -f big &&
		    record getattr-clients "$n" ops_s "$(kv ops_s "$P9LINE")"
	done
	if p9 fids 100000 -w fids -N 100000; then
		record open-fids 100000 held "$(kv ops "$P9LINE")"
		record open-fids 100000 secs "$(kv secs "$P9LINE")"
	else
		held=$(kv ops "$line")
		record open-fids 100000 held "${held:-0}"
	fi
}

# Resident memory per idle connection at msize 1 MiB: the server's RSS
# (with its children) before and while IDLE_CONNS connections sit idle
# (attached, no fid but the root).  One short client first, so one-time
# start-up allocations are not charged to the connections.
t_idle_rss() {
	"$P9LOAD" -s "$ADDR" -a "$ANAME" -m 1048576 -n 1 -d 0.2 -w getattr \
	    -f big >/dev/null 2>&1
	sleep 0.5
	before=$(tree_rss "$PID")
	"$P9LOAD" -s "$ADDR" -a "$ANAME" -m 1048576 -n "$IDLE_CONNS" \
	    -w idle -d 600 >"$W/idle.out" 2>"$W/idle.err" &
	lp=$!
	n=300
	while [ $n -gt 0 ] && ! grep -q ready "$W/idle.err"; do
		sleep 0.1; n=$((n - 1))
		kill -0 "$lp" 2>/dev/null || break
	done
	if grep -q ready "$W/idle.err"; then
		sleep 1
		after=$(tree_rss "$PID")
		record idle-conn-rss "$IDLE_CONNS@1M" KiB_per_conn \
		    "$(echo "$before $after $IDLE_CONNS" |
		    awk '{printf "%.1f", ($2 - $1) / $3}')"
	else
		record_error idle-conn-rss "$IDLE_CONNS" "$(head -2 "$W/idle.err")"
	fi
	kill "$lp" 2>/dev/null
	wait "$lp" 2>/dev/null
}

# The page-cache reference: dd bs=1M of the big file, already cached.
t_dd() {
	cat "$EXPORT/big" >/dev/null
	s=$(now_ns)
	dd if="$EXPORT/big" of=/dev/null bs=1M 2>/dev/null
	e=$(now_ns)
	v=$(echo "$BIG_MB $s $e" |
	    awk '{printf "%.1f", $1 * 1048576 / 1e6 / (($3 - $2) / 1e9)}')
	record seqread-1thread unix MB_s "$v"
	record seqread-1thread-ra2 unix MB_s "$v"	# the same reference
}
