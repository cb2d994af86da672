#!/bin/sh
# Validates the guest harness against 9P servers that exist today: QEMU's
# own -virtfs local (mapped-xattr, passthrough, mapped-file; trans=virtio) and diod
# (trans=tcp).  Each runs the "full" workload and the host check.  These
# servers have known bugs; each run must fail exactly those checks, so the
# harness is shown to catch real failures and to pass everything else:
#   QEMU 7.2: ftruncate/fchmod on an unlinked open file give ENOENT (it
#     works by path; mapped-file's fchmod "works" by writing a stale
#     metadata file under the old name); passthrough mknod of FIFO/char/block/socket gives ENXIO
#     (its post-create chmod trips its own special-file check).
#   diod 1.0.24: fstat/ftruncate/fchmod on an unlinked open file give ENOENT.
# Also a trans=fd smoke run: diod serving one connection (-r/-w) that QEMU
# carries to a virtio-serial port, relayed to the guest kernel by gtool.
# VFSD_GUEST_FULL=1 runs the full-size workload (64 MiB, 10,000 entries);
# the default here is ARG=small (4 MiB, 1,000 entries) to save CI time.
. "$(dirname "$0")/../guest/lib.sh"
g_init peers
size=small small=--small
[ "${VFSD_GUEST_FULL:-0}" = 1 ] && size="" small=""
# QEMU runs add POSIX ACLs (mounted with posixacl), checking those
# expectations of the workload against QEMU's storage as well

unlinked='^not ok - (ftruncate|fchmod) after unlink |^not ok - read after unlink\+ftruncate'

qemu_local() { # model
	mkdir -p "$G_TMP/q-$1"
	"$G_RUN" --share "virtfs:$G_TMP/q-$1:$1" --mount-opts posixacl --workload full \
		--arg "$size${size:+,}acl" --timeout 300 --log "$G_TMP/q-$1.log" >"$G_TMP/q-$1.out" 2>&1
	"$G_CHECK" $small --acl "$G_TMP/q-$1" "$1" "$G_TMP/q-$1.out" >>"$G_TMP/q-$1.out" 2>&1
}

# The two QEMU runs share the two cores; diod follows.
qemu_local mapped-xattr &
qm=$!
qemu_local passthrough
wait $qm
g_expect "qemu-local mapped-xattr" "$G_TMP/q-mapped-xattr.out" "$unlinked"
g_expect "qemu-local passthrough" "$G_TMP/q-passthrough.out" "$unlinked" \
	'^not ok - mknod wl/special/(fifo|chr|blk|sock) .*No such device or address' \
	'^not ok - (host: )?check lstat wl/special/'

# diod serves the mount-root attach as "nobody", who must reach the export
mkdir -p "$G_TMP/diod"
chmod 755 "$G_TMP"
qemu_local mapped-file &
qf=$!
port=$(g_port)
dpid=""
g_bg dpid diod -f -n -c /dev/null -L "$G_TMP/diod.log" -e "$G_TMP/diod" -l "127.0.0.1:$port"
if g_wait_port "$port" "$dpid"; then
	"$G_RUN" --share "tcp:$port" --mount-opts "aname=$G_TMP/diod" --workload full \
		--arg "$size" --timeout 300 --log "$G_TMP/diod.con" >"$G_TMP/diod.out" 2>&1
	"$G_CHECK" $small "$G_TMP/diod" passthrough "$G_TMP/diod.out" >>"$G_TMP/diod.out" 2>&1
	g_expect "diod tcp" "$G_TMP/diod.out" \
		'^not ok - (fstat|ftruncate|fchmod) after unlink|^not ok - read after unlink\+ftruncate'
else
	g_notok "diod did not start listening on $port"
	sed 's/^/# diod: /' "$G_TMP/diod.log" 2>/dev/null | tail -5
fi
wait $qf
g_expect "qemu-local mapped-file" "$G_TMP/q-mapped-file.out" \
	'^not ok - ftruncate after unlink |^not ok - read after unlink\+ftruncate' 

mkdir -p "$G_TMP/fd"
g_bg fpid "$G_TOP/build/guest/gtool" accept1 "$G_TMP/9p.sock" 3 diod -f -n -c /dev/null \
	-L "$G_TMP/diod-fd.log" --rfdno 3 --wfdno 3 -e "$G_TMP/fd"
i=0
while [ ! -S "$G_TMP/9p.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$G_RUN" --share "unix:$G_TMP/9p.sock" --mount-opts "aname=$G_TMP/fd" --workload smoke \
	--timeout 120 --log "$G_TMP/fd.con" >"$G_TMP/fd.out" 2>&1
g_tap "diod trans=fd via virtio-serial" "$G_TMP/fd.out"
grep -q '^not ok' "$G_TMP/fd.out" && sed 's/^/# diod: /' "$G_TMP/diod-fd.log" 2>/dev/null | tail -5
g_done
