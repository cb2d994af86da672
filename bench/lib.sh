# lib.sh - shell helpers shared by bench/run.sh and bench/peers/*.sh.
# POSIX sh; sourced, never run.

# free_port: print a TCP port nobody listens on (from a range away from
# the well-known ones, starting at a pid-derived offset so parallel runs
# rarely collide).
free_port() {
	p=$((20000 + ($$ * 7 + ${1:-0} * 13) % 20000))
	while ss -Htln "sport = :$p" 2>/dev/null | grep -q .; do
		p=$((p + 1))
	done
	echo "$p"
}

# wait_tcp HOST PORT [TRIES]: wait until something accepts on HOST:PORT.
wait_tcp() {
	n=${3:-100}
	while [ "$n" -gt 0 ]; do
		ss -Htln "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

# wait_path PATH [TRIES]: wait until PATH exists (a unix socket).
wait_path() {
	n=${2:-100}
	while [ "$n" -gt 0 ]; do
		[ -e "$1" ] && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

# stop_pidfile FILE: SIGTERM the process in FILE, wait up to 5 s, then
# SIGKILL it (STOP_TRIES x 0.1 s).  Only ever signals the one pid this
# bench started.
stop_pidfile() {
	[ -f "$1" ] || return 0
	pid=$(cat "$1")
	rm -f "$1"
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	n=${STOP_TRIES:-50}
	while [ "$n" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1; n=$((n - 1))
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

# tree_rss PID: resident KiB of PID and all its descendants.
tree_rss() {
	ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
	{ par[$1] = $2; rss[$1] = $3 }
	END {
		for (p in par) {
			q = p; n = 0
			while (q != "" && q != root && q > 1 && n++ < 64)
				q = par[q]
			if (q == root) sum += rss[p]
		}
		print sum + 0
	}'
}

# tree_pids PID: PID and its descendants, one a line.
tree_pids() {
	ps -e -o pid=,ppid= | awk -v root="$1" '
	{ par[$1] = $2 }
	END {
		for (p in par) {
			q = p; n = 0
			while (q != "" && q != root && q > 1 && n++ < 64)
				q = par[q]
			if (q == root) print p
		}
	}'
}

# now_ns: monotonic-enough wall clock in nanoseconds.
now_ns() { date +%s%N; }
