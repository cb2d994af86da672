#!/bin/sh
# End to end: a real Linux guest (6.1, QEMU/TCG) mounts vfsd over trans=tcp
# and runs the full workload (creates, writes, renames also of open files,
# hard and symbolic links, chmod/chown, xattrs, deletes also of open files,
# mknod, a 64 MiB file, a 10,000-entry directory), once per security model
# (passthrough, mapped-xattr); then the host checks the export: contents,
# sizes, link counts, symlink targets, and owners/modes as the model stores
# them.  Then a tiny workload (1 MiB, 100 entries) over trans=fd with
# cache=loose (passthrough): vfsd listens on a unix socket, QEMU connects a
# virtio-serial port to it, gtool in the guest relays that port to the
# socket the kernel's 9pnet_fd uses; loose caching sends writes later through
# root's writeback fids, which the host check sees after the unmount.
# Nothing is expected to fail.  VFSD_GUEST_SMALL=1 runs ARG=small only.
. "$(dirname "$0")/../guest/lib.sh"
g_init vfsd
size="" small=""
[ "${VFSD_GUEST_SMALL:-0}" = 1 ] && size=small small=--small

one() { # model
	m=$1 d=$G_TMP/$1
	mkdir -p "$d"
	if ! g_vfsd_start "$m" "$d" "$G_TMP/vfsd-$m.log" >"$G_TMP/$m.out"; then
		echo "not ok - vfsd ($m) did not start; no guest run" >>"$G_TMP/$m.out"
		return
	fi
	"$G_RUN" --share "tcp:$G_VFSD_PORT" --workload full --arg "$size" \
		--timeout 400 --log "$G_TMP/$m.con" >>"$G_TMP/$m.out" 2>&1
	rc=$?
	g_vfsd_stop
	[ $rc = 0 ] || echo "not ok - guest run exited $rc" >>"$G_TMP/$m.out"
	"$G_CHECK" $small "$d" "$m" "$G_TMP/$m.out" >>"$G_TMP/$m.out" 2>&1 ||
		echo "# host check failed" >>"$G_TMP/$m.out"
}

one passthrough &
bg=$!
one mapped-xattr
wait $bg

fd_run() {
	d=$G_TMP/fd
	mkdir -p "$d"
	if ! g_vfsd_start passthrough "$d" "$G_TMP/vfsd-fd.log" "unix:$G_TMP/9p.sock" >"$G_TMP/fd.out"; then
		echo "not ok - vfsd (unix socket) did not start; no guest run" >>"$G_TMP/fd.out"
		return
	fi
	"$G_RUN" --share "unix:$G_TMP/9p.sock" --mount-opts cache=loose --workload full \
		--arg tiny --timeout 300 --log "$G_TMP/fd.con" >>"$G_TMP/fd.out" 2>&1 ||
		echo "# guest run failed" >>"$G_TMP/fd.out"
	g_vfsd_stop
	"$G_CHECK" --tiny "$d" passthrough "$G_TMP/fd.out" >>"$G_TMP/fd.out" 2>&1
}
fd_run

for m in passthrough mapped-xattr fd; do
	n=$(grep -c '^\(not \)\{0,1\}ok - ' "$G_TMP/$m.out")
	if [ "$n" -lt 100 ]; then
		g_notok "vfsd $m: the workload did not run ($n checks)"
		sed 's/^/# /' "$G_TMP/$m.out" | tail -15
		[ -f "$G_TMP/vfsd-$m.log" ] && tail -10 "$G_TMP/vfsd-$m.log" | sed 's/^/# vfsd: /'
	else
		g_tap "vfsd $m$([ $m = fd ] && echo ' (trans=fd, cache=loose, passthrough)')" "$G_TMP/$m.out"
	fi
done
g_done
