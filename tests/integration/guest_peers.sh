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
# The two non-9P share kinds of run.sh, smoke workload each (in parallel):
# virtiofs: against QEMU 7.2's virtiofsd, and nfs: NFSv4.1 from nfs-ganesha
# (bench/peers/ganesha.sh); the guest's /proc/mounts must show the type.
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

# smoke_kind NAME TYPE: the smoke run's result plus its mount type
smoke_kind() {
	g_tap "$1" "$G_TMP/$1.out"
	if grep -q "^# mount: .* /mnt $2 " "$G_TMP/$1.out"; then
		g_ok "$1: guest mounted type $2"
	else
		g_notok "$1: guest mounted type $2"
		tail -5 "$G_TMP/$1.con" 2>/dev/null | sed 's/^/# console: /'
	fi
}

mkdir -p "$G_TMP/nfs" "$G_TMP/vfs" "$G_TMP/gan"
chmod 777 "$G_TMP/nfs" "$G_TMP/vfs"
nport=$(g_port) gport=$(g_port)
ganesha=""
kvs=$(PORT=$gport NFSPORT=$nport "$G_TOP/bench/peers/ganesha.sh" start \
	"$G_TMP/gan" "$G_TMP/nfs" 2>&1)
grc=$?
if [ -f "$G_TMP/gan/ganesha.pid" ]; then
	ganesha=$(cat "$G_TMP/gan/ganesha.pid")
	echo "$ganesha" >>"$G_TMP/pids"
fi
if [ $grc = 0 ]; then
	if g_wait_port "$nport" "$ganesha"; then
		"$G_RUN" --share "nfs:$nport:/export" --workload smoke --timeout 120 \
			--log "$G_TMP/nfs.con" >"$G_TMP/nfs.out" 2>&1 &
		nrun=$!
	else
		echo "not ok - ganesha did not listen on NFS port $nport" >"$G_TMP/nfs.out"
	fi
else
	echo "not ok - nfs-ganesha did not start: $kvs" >"$G_TMP/nfs.out"
fi
g_bg vpid /usr/lib/qemu/virtiofsd --socket-path="$G_TMP/vfs.sock" \
	-o source="$G_TMP/vfs" -o sandbox=chroot >"$G_TMP/virtiofsd.log" 2>&1
i=0
while [ ! -S "$G_TMP/vfs.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$G_RUN" --share "virtiofs:$G_TMP/vfs.sock" --workload smoke --timeout 120 \
	--log "$G_TMP/virtiofs.con" >"$G_TMP/virtiofs.out" 2>&1
smoke_kind virtiofs virtiofs
grep -q '^not ok' "$G_TMP/virtiofs.out" &&
	tail -5 "$G_TMP/virtiofsd.log" | sed 's/^/# virtiofsd: /'
[ -n "${nrun:-}" ] && wait "$nrun"
smoke_kind nfs nfs4
grep -q '^not ok' "$G_TMP/nfs.out" && [ -f "$G_TMP/gan/ganesha.log" ] &&
	grep -v '^$' "$G_TMP/gan/ganesha.log" | tail -5 | sed 's/^/# ganesha: /'
# stopped by its pid file; then out of g_cleanup's list (not our child:
# once reaped its pid may be reused)
"$G_TOP/bench/peers/ganesha.sh" stop "$G_TMP/gan"
[ -n "$ganesha" ] && sed -i "/^$ganesha\$/d" "$G_TMP/pids"
g_done
