#!/bin/sh
# End to end: a real Linux guest (6.1, QEMU/TCG) mounts vfsd over trans=tcp
# and runs the full workload (creates, writes, renames also of open files,
# hard and symbolic links, chmod/chown, xattrs, deletes also of open files,
# mknod, a 64 MiB file, a 10,000-entry directory), once per security model
# (passthrough, mapped-xattr); then the host checks the export: contents,
# sizes, link counts, symlink targets, and owners/modes as the model stores
# them.  Then two tiny runs (1 MiB, 100 entries) that add POSIX ACLs
# (mounted with posixacl; stored as real ACLs in passthrough and as
# user.virtfs.system.posix_acl_* in mapped-xattr) and other transports:
#   acl-fd: passthrough, trans=fd, cache=loose: vfsd listens on a unix
#     socket, QEMU connects a virtio-serial port to it, gtool in the guest
#     relays the port to the socket the kernel's 9pnet_fd uses; loose
#     caching sends writes later through root's writeback fids, which the
#     host check sees after the unmount;
#   acl-mapped: mapped-xattr over trans=tcp.
# Last, the small workload (4 MiB, 1,000 entries) in mapped-file, and vfsd
# --readonly: reads work, every change fails with EROFS in the guest, and
# the host tree is unchanged.
# Nothing is expected to fail.  VFSD_GUEST_SMALL=1 runs ARG=small.
. "$(dirname "$0")/../guest/lib.sh"
g_init vfsd
size="" small=""
[ "${VFSD_GUEST_SMALL:-0}" = 1 ] && size=small small=--small

one() { # model [size]
	m=$1 d=$G_TMP/$1 sz=${2:-$size} sm=$small
	[ "$sz" = small ] && sm=--small
	mkdir -p "$d"
	if ! g_vfsd_start "$m" "$d" "$G_TMP/vfsd-$m.log" >"$G_TMP/$m.out"; then
		echo "not ok - vfsd ($m) did not start; no guest run" >>"$G_TMP/$m.out"
		return
	fi
	"$G_RUN" --share "tcp:$G_VFSD_PORT" --workload full --arg "$sz" \
		--timeout 400 --log "$G_TMP/$m.con" >>"$G_TMP/$m.out" 2>&1
	rc=$?
	g_vfsd_stop
	[ $rc = 0 ] || echo "not ok - guest run exited $rc" >>"$G_TMP/$m.out"
	"$G_CHECK" $sm "$d" "$m" "$G_TMP/$m.out" >>"$G_TMP/$m.out" 2>&1 ||
		echo "# host check failed" >>"$G_TMP/$m.out"
}

one passthrough &
bg=$!
one mapped-xattr
wait $bg

acl_run() { # name model listen-kind mount-opts
	d=$G_TMP/$1
	mkdir -p "$d"
	listen=""
	[ "$3" = unix ] && listen=unix:$G_TMP/$1.sock
	if ! g_vfsd_start "$2" "$d" "$G_TMP/vfsd-$1.log" $listen >"$G_TMP/$1.out"; then
		echo "not ok - vfsd ($2) did not start; no guest run" >>"$G_TMP/$1.out"
		return
	fi
	share=tcp:$G_VFSD_PORT
	[ "$3" = unix ] && share=unix:$G_TMP/$1.sock
	"$G_RUN" --share "$share" --mount-opts "posixacl$4" --workload full \
		--arg tiny,acl --timeout 300 --log "$G_TMP/$1.con" >>"$G_TMP/$1.out" 2>&1 ||
		echo "# guest run failed" >>"$G_TMP/$1.out"
	g_vfsd_stop
	"$G_CHECK" --tiny --acl "$d" "$2" "$G_TMP/$1.out" >>"$G_TMP/$1.out" 2>&1
}
acl_run acl-fd passthrough unix ,cache=loose &
bg=$!
acl_run acl-mapped mapped-xattr tcp ""
wait $bg

# shellcheck disable=SC2034 # G_VFSD_ARGS is read by g_vfsd_start (lib.sh)
ro_run() {
	d=$G_TMP/ro
	mkdir -p "$d/ro"
	printf 'ro\n' >"$d/ro/file"
	setfattr -n user.ro -v yes "$d/ro/file"
	G_VFSD_ARGS=--readonly
	if ! g_vfsd_start passthrough "$d" "$G_TMP/vfsd-ro.log" >"$G_TMP/ro.out"; then
		echo "not ok - vfsd --readonly did not start" >>"$G_TMP/ro.out"
		G_VFSD_ARGS=""
		return
	fi
	G_VFSD_ARGS=""
	"$G_RUN" --share "tcp:$G_VFSD_PORT" --workload readonly --timeout 120 \
		--log "$G_TMP/ro.con" >>"$G_TMP/ro.out" 2>&1
	g_vfsd_stop
	(cd "$d" && "$G_TOP/build/guest/gtool" check ro/file content='ro\n' \
		xattr=user.ro:yes && "$G_TOP/build/guest/gtool" check ro entries=1) |
		sed 's/^\(not \)\{0,1\}ok - /&host: /' >>"$G_TMP/ro.out"
}
one mapped-file small &
bg=$!
ro_run
wait $bg

for m in passthrough mapped-xattr acl-fd acl-mapped mapped-file ro; do
	n=$(grep -c '^\(not \)\{0,1\}ok - ' "$G_TMP/$m.out")
	case $m in
	acl-fd) label="vfsd passthrough, trans=fd, cache=loose, posixacl" ;;
	acl-mapped) label="vfsd mapped-xattr, posixacl" ;;
	ro) label="vfsd --readonly" ;;
	*) label="vfsd $m" ;;
	esac
	if [ "$n" -lt "$([ $m = ro ] && echo 20 || echo 100)" ]; then
		g_notok "$label: the workload did not run ($n checks)"
		sed 's/^/# /' "$G_TMP/$m.out" | tail -15
		[ -f "$G_TMP/vfsd-$m.log" ] && tail -10 "$G_TMP/vfsd-$m.log" | sed 's/^/# vfsd: /'
	else
		g_tap "$label" "$G_TMP/$m.out"
	fi
done
g_done
