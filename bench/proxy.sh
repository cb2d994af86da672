#!/bin/sh
# Per-operation round-trip latency of vfsd's proxy helper against QEMU 7.2's
# virtfs-proxy-helper, side by side in one run (tests/tools/proxy_bench.c).
#   bench/proxy.sh [ITER [ROUNDS]]
top=$(cd "$(dirname "$0")/.." && pwd)
QEMU=/usr/lib/qemu/virtfs-proxy-helper
[ -x "$QEMU" ] || { echo "proxy bench: $QEMU not installed" >&2; exit 1; }
# One CPU for the client and both helpers: each round trip is then two
# context switches on that CPU.  Left to the scheduler, a helper woken on
# the other CPU of this 2-vCPU VM costs a halted-CPU wake-up (~20 us) per
# message whenever that CPU idles, which landed on one helper or the other
# from round to round and moved single rows by up to 5x (docs/qemu.md).
pin=""
command -v taskset >/dev/null && pin="taskset -c $(cut -d' ' -f39 /proc/self/stat)"
exec $pin "$top/build/tools/proxy_bench" -A "qemu=$QEMU" -B "vfsd=$top/build/vfsd-helper" \
	-n "${1:-1000}" -r "${2:-15}"
