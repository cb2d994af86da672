# lib.sh - shared by the guest integration scripts (sourced, POSIX sh).
#
#   g_init NAME          temp dir $G_TMP, TAP counter, cleanup of servers
#   g_ok DESC / g_notok DESC     one numbered TAP line
#   g_tap PREFIX FILE    renumber a file's "ok - X"/"not ok - X" lines as
#                        TAP lines "ok N - PREFIX: X"; "#" lines pass
#   g_expect PREFIX FILE PATTERN...   the run in FILE must fail exactly the
#                        checks matching the extended regexps (known bugs of
#                        a peer server): every "not ok" line matches one
#                        pattern and every pattern matches a "not ok" line
#   g_port               a free TCP port on 127.0.0.1
#   g_wait_port PORT PID wait until PORT listens (PID must stay alive)
#   g_bg PIDFILE CMD...  start CMD in the background, remember it for cleanup
#   g_done               print the plan, exit 1 if anything failed
G_TOP=${G_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}   # callers elsewhere set G_TOP
# shellcheck disable=SC2034 # used by the scripts that source this file
G_RUN=$G_TOP/tests/guest/run.sh
# shellcheck disable=SC2034
G_CHECK=$G_TOP/tests/guest/check_host.sh
G_N=0
G_FAIL=0
G_PIDS=""

g_init() {
	G_TMP=$(mktemp -d "/tmp/vfsd-$1.XXXXXX")
	trap 'g_cleanup' EXIT
	trap 'exit 130' INT TERM
	# builds (or finds cached) the initramfs and build/guest/gtool
	if ! "$G_TOP/tests/guest/mkinitramfs.sh" >"$G_TMP/mkinitramfs.log" 2>&1; then
		g_notok "tests/guest/mkinitramfs.sh failed"
		sed 's/^/# /' "$G_TMP/mkinitramfs.log"
		exit 1
	fi
}

g_cleanup() {
	# servers started in background subshells are only in $G_TMP/pids
	for p in $G_PIDS $(cat "$G_TMP/pids" 2>/dev/null); do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ "${G_KEEP:-0}" = 1 ] || rm -rf "$G_TMP"
}

g_ok() {
	G_N=$((G_N + 1))
	printf 'ok %s - %s\n' "$G_N" "$*"
}

g_notok() {
	G_N=$((G_N + 1))
	G_FAIL=$((G_FAIL + 1))
	printf 'not ok %s - %s\n' "$G_N" "$*"
}

g_tap() { # prefix file
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) g_ok "$1: ${line#ok - }" ;;
		"not ok - "*) g_notok "$1: ${line#not ok - }" ;;
		"#"*) printf '%s\n' "$line" ;;
		*) printf '# %s\n' "$line" ;;
		esac
	done <"$2"
}

g_expect() { # prefix file pattern...
	pre=$1 f=$2
	shift 2
	grep '^not ok' "$f" >"$f.bad"
	total=$(grep -c '^\(not \)\{0,1\}ok' "$f")
	unexpected=$(cp "$f.bad" "$f.rest"
		for p in "$@"; do grep -Ev -e "$p" "$f.rest" >"$f.tmp"; mv "$f.tmp" "$f.rest"; done
		cat "$f.rest")
	missing=""
	for p in "$@"; do
		grep -Eq -e "$p" "$f.bad" || missing="$missing [$p]"
	done
	if [ "$total" -lt 10 ]; then
		g_notok "$pre: only $total checks ran"
		sed 's/^/# /' "$f" | tail -20
	elif [ -z "$unexpected" ] && [ -z "$missing" ]; then
		g_ok "$pre: $total checks, fails exactly its $(wc -l <"$f.bad") known-bug checks"
		sed 's/^not ok/# known bug: not ok/' "$f.bad"
	else
		g_notok "$pre: $total checks; unexpected failures or known bugs not seen"
		[ -n "$unexpected" ] && echo "$unexpected" | sed 's/^/# unexpected: /'
		[ -n "$missing" ] && echo "# known bug not seen:$missing"
	fi
}

g_port() {
	while :; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
	done
}

g_wait_port() { # port pid
	i=0
	while [ $i -lt 200 ]; do
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

g_bg() { # pidfile-var-name cmd...
	var=$1
	shift
	"$@" &
	eval "$var=$!"
	G_PIDS="$G_PIDS $!"
	echo $! >>"$G_TMP/pids"
}

g_done() {
	echo "1..$G_N"
	[ "$G_FAIL" -eq 0 ]
}

# g_vfsd_start MODEL DIR LOG [unix:PATH]: start build/vfsd exporting DIR
# on a free TCP port (sets G_VFSD_PORT) or on the unix socket PATH; sets
# G_VFSD_PID; $G_VFSD_ARGS (split on blanks) are added to vfsd's
# arguments.  Returns 1 (after printing the log's tail as comments) when
# vfsd is missing, exits, or never listens.
g_vfsd_start() {
	vfsd=${VFSD_BIN:-$G_TOP/build/vfsd}
	if [ ! -x "$vfsd" ]; then
		echo "# $vfsd is not built (run make)"
		return 1
	fi
	listen=${4:-}
	if [ -z "$listen" ]; then
		G_VFSD_PORT=$(g_port)
		listen=tcp:127.0.0.1:$G_VFSD_PORT
	fi
	# shellcheck disable=SC2086 # G_VFSD_ARGS is a word list
	g_bg G_VFSD_PID "$vfsd" --export "$2" --security-model "$1" \
		--listen "$listen" ${G_VFSD_ARGS:-} >"$3" 2>&1
	case "$listen" in
	unix:*)
		i=0
		while [ ! -S "${listen#unix:}" ] && [ $i -lt 100 ] &&
			kill -0 "$G_VFSD_PID" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -S "${listen#unix:}" ] && return 0 ;;
	*)
		if g_wait_port "$G_VFSD_PORT" "$G_VFSD_PID"; then
			# vfsd listens before its helper is up; a refused export exits
			sleep 0.3
			kill -0 "$G_VFSD_PID" 2>/dev/null && return 0
		fi ;;
	esac
	echo "# vfsd --export $2 --security-model $1 --listen $listen did not listen:"
	tail -5 "$3" | sed 's/^/#   /'
	return 1
}

# g_vfsd_stop: stop the vfsd started last (by its pid).
g_vfsd_stop() {
	kill "$G_VFSD_PID" 2>/dev/null
	wait "$G_VFSD_PID" 2>/dev/null
}
