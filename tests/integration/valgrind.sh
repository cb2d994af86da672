#!/bin/sh
# Run the (non-sanitized) unit tests under valgrind's memcheck: any invalid
# access, use of uninitialised memory or definite leak fails the test.
# The ASan build covers the same code with a different detector.
# --fair-sched=yes: valgrind runs one thread at a time, and with its default
# lock a thread spinning on syscalls (the rename-swap racer in
# test_core_attack) can starve the others for many minutes; the ticket lock
# hands the CPU round.  Each program also gets a timeout.
cd "$(dirname "$0")/../.." || exit 1
n=0; failed=0
command -v valgrind >/dev/null || { echo "not ok 1 - valgrind is not installed"; exit 1; }
for t in build/tests/*; do
	[ -x "$t" ] || continue
	n=$((n + 1))
	name=$(basename "$t")
	log=$(mktemp); t0=$(date +%s)
	if timeout -k 10 300 valgrind -q --fair-sched=yes --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite --trace-children=no \
	    "$t" >"$log" 2>&1; then
		echo "ok $n - valgrind clean: $name ($(( $(date +%s) - t0 ))s)"
	else
		rc=$?
		if [ "$rc" -eq 124 ]; then
			echo "not ok $n - $name hung under valgrind (killed after 300 s)"
		elif [ "$rc" -eq 99 ] || grep -q '^==[0-9]*==' "$log"; then
			echo "not ok $n - valgrind errors in $name"
			grep '^==[0-9]*==' "$log" | head -30 | sed 's/^/# /'
		else
			echo "not ok $n - $name failed under valgrind (exit $rc)"
			tail -20 "$log" | sed 's/^/# /'
		fi
		failed=$((failed + 1))
	fi
	rm -f "$log"
done
[ "$failed" -eq 0 ]
