#!/bin/sh
# Per-operation round-trip latency of vfsd's proxy helper against QEMU 7.2's
# virtfs-proxy-helper, side by side in one run (tests/tools/proxy_bench.c).
#   bench/proxy.sh [ITER [ROUNDS]]
top=$(cd "$(dirname "$0")/.." && pwd)
QEMU=/usr/lib/qemu/virtfs-proxy-helper
[ -x "$QEMU" ] || { echo "proxy bench: $QEMU not installed" >&2; exit 1; }
exec "$top/build/tools/proxy_bench" -A "qemu=$QEMU" -B "vfsd=$top/build/vfsd-helper" \
	-n "${1:-1000}" -r "${2:-15}"
