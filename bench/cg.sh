# cg.sh - instructions per 9P operation, measured with callgrind (sourced
# by bench/run.sh).
#
# The server runs under `valgrind --tool=callgrind --trace-children=yes`
# (so vfsd's frontend and helper are both counted, and every thread of
# diod), p9load sends a fixed number of operations, the server is stopped
# and the instruction totals of every process are summed.  Two runs, with
# N and 2N operations, cancel start-up, attach and shutdown:
#     Ir per op = (Ir(2N) - Ir(N)) / N

# cg_total SERVER MODE OPS: print the summed Ir of one run, or nothing.
cg_total() {
	d=$W/cg/$1-$2-$3
	rm -rf "$d"; mkdir -p "$d"
	# vfsd's frontend drops to `nobody` but callgrind created its output
	# file as root at start-up: let the dropped process rewrite it.
	chmod 711 "$W" "$W/cg"; chmod 777 "$d"
	# vfsd's sandbox (seccomp, pivot_root into the export) stops valgrind
	# from writing its results (and valgrind knows no seccomp): count
	# with --no-sandbox, the same code without the filters and the pivot.
	VFSD_ARGS=${BENCH_CG_VFSD_ARGS:---no-sandbox} \
	WRAP="valgrind --tool=callgrind --trace-children=yes -q --vgdb=no \
	    --callgrind-out-file=$d/callgrind.out.%p" WAIT_TRIES=600 \
	    "$here/peers/$1.sh" start "$d/st" "$EXPORT" >"$d/kv" 2>"$d/err" ||
		return 1
	chmod a+rw "$d"/callgrind.out.*
	a=$(sed -n 's/^addr=//p' "$d/kv")
	n=$(sed -n 's/^aname=//p' "$d/kv")
	case "$2" in
	getattr) args="-m 65536 -w getattr -f big" ;;
	read4k) args="-m 4120 -w read -f big" ;;
	*) return 1 ;;
	esac
	# shellcheck disable=SC2086
	"$P9LOAD" -s "$a" -a "$n" -n 1 -o "$3" $args >"$d/p9" 2>&1
	rc=$?
	STOP_TRIES=600 "$here/peers/$1.sh" stop "$d/st"
	[ $rc -eq 0 ] || { cat "$d/p9" >&2; return 1; }
	cat "$d"/callgrind.out.* 2>/dev/null |
	    awk '/^summary:/ { t += $2; n++ } END { if (n) print t }' 
}

# t_callgrind SERVER: record Ir per getattr and per 4 KiB read.
t_callgrind() {
	command -v valgrind >/dev/null || { record_error callgrind "$1" \
	    "valgrind missing"; return; }
	for mode in getattr read4k; do
		a=$(cg_total "$1" "$mode" "$CG_OPS")
		b=$(cg_total "$1" "$mode" $((CG_OPS * 2)))
		if [ -n "$a" ] && [ -n "$b" ]; then
			record "instructions/$mode" 1 Ir_per_op \
			    "$(echo "$a $b $CG_OPS" |
			    awk '{printf "%.0f", ($2 - $1) / $3}')"
		else
			record_error "instructions/$mode" 1 \
			    "callgrind run failed (see $W/cg)"
		fi
	done
}
