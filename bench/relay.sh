#!/bin/sh
# File data through the helper, the alternative design of issue 6, measured
# against vfsd's own (the frontend preads/pwrites the descriptor the helper
# handed it): tests/tools/relay_bench.c, built by make.  Prints the table.
#   bench/relay.sh [MiB [ROUNDS [SIZES]]]      (256, 7, 4k,64k,1m; ~35 s)
# RELAY_DIR: where the two scratch files go (TMPDIR or /tmp).
top=$(cd "$(dirname "$0")/.." && pwd)
tool=$top/build/tools/relay_bench
[ -x "$tool" ] || { echo "relay bench: $tool missing (run make)" >&2; exit 1; }
echo "# relay: file data through the helper vs the frontend's own descriptor"
echo "# uptime:$(uptime)"
exec "$tool" -m "${1:-256}" -r "${2:-7}" -s "${3:-4k,64k,1m}" \
	-d "${RELAY_DIR:-${TMPDIR:-/tmp}}"
