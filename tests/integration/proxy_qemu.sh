#!/bin/sh
# vfsd-helper behind a real QEMU 7.2 (-fsdev proxy) and a real Linux guest
# (tests/guest/), in both of QEMU's forms, side by side with QEMU's own
# virtfs-proxy-helper:
#  1. realize: QEMU's start-up T_LSTAT of the root is answered so that QEMU
#     keeps running (a wrong reply makes it exit or abort);
#  2. sock_fd=N (a socketpair, as libvirt makes it): the "full" guest
#     workload and the host-side check, on vfsd and on QEMU's helper; the
#     two exports must end up identical (owners, modes, types, sizes, link
#     targets, xattrs);
#  3. socket=PATH: vfsd-helper -s PATH -u -g as a daemon, QEMU connects;
#  4. the stock helper's capability bug (doc §5.2 #1) from a real guest:
#     guest root creates in a setgid directory, then chowns, then a user
#     creates; QEMU's helper fails the chown and aborts, vfsd does not.
# Failures common to every QEMU 9p backend (ftruncate/fchmod of an unlinked
# open file go by path) are QEMU's, not the helper's, and are expected.
. "$(dirname "$0")/../guest/lib.sh"
g_init proxy
VFSD=$G_TOP/build/vfsd-helper
QEMU_HELPER=/usr/lib/qemu/virtfs-proxy-helper
PAIR=$G_TOP/build/tools/proxy_pair
unlinked='^not ok - (ftruncate|fchmod) after unlink |^not ok - read after unlink\+ftruncate'

# 1. realize-time handshake, no guest: still running after 4 s = accepted.
mkdir -p "$G_TMP/r"
timeout 4 "$PAIR" 10 "$VFSD" -p "$G_TMP/r" -f @FD@ -n -- qemu-system-x86_64 \
	-machine pc,accel=tcg -nodefaults -display none -S \
	-fsdev proxy,id=f0,sock_fd=10 -device virtio-9p-pci,fsdev=f0,mount_tag=t0 \
	>"$G_TMP/r.out" 2>&1
rc=$?
[ $rc = 124 ] && g_ok "realize: QEMU accepts vfsd's stat of the export root" ||
	{ g_notok "realize: QEMU exited $rc"; sed 's/^/# /' "$G_TMP/r.out"; }

# 2. sock_fd: the full workload on both helpers, in parallel.
full() { # name helper
	mkdir -p "$G_TMP/$1"
	"$PAIR" 10 "$2" -p "$G_TMP/$1" -f @FD@ -n -- "$G_RUN" --share proxyfd:10 \
		--workload full --arg small --timeout 400 >"$G_TMP/$1.out" 2>&1
	"$G_CHECK" --small "$G_TMP/$1" passthrough "$G_TMP/$1.out" \
		>>"$G_TMP/$1.out" 2>&1
}
full qemu "$QEMU_HELPER" &
qp=$!
full vfsd "$VFSD"
wait $qp
g_expect "vfsd sock_fd" "$G_TMP/vfsd.out" "$unlinked"
g_expect "qemu-helper sock_fd" "$G_TMP/qemu.out" "$unlinked"

# The host-side result of the same workload, field by field.
tree() { # dir
	(cd "$1" && find . -mindepth 1 \( -type d -printf '%y %m %U:%G - %p\n' \) -o \
		\( ! -type d -printf '%y %m %U:%G %s %n %l %p\n' \) | sort
	 getfattr -h -R -d -m - . 2>/dev/null | grep -v '^$' | sort)
}
tree "$G_TMP/vfsd" >"$G_TMP/vfsd.tree"
tree "$G_TMP/qemu" >"$G_TMP/qemu.tree"
if [ "$(wc -l <"$G_TMP/vfsd.tree")" -gt 100 ] &&
    diff "$G_TMP/qemu.tree" "$G_TMP/vfsd.tree" >"$G_TMP/tree.diff"; then
	g_ok "differential: the exports are identical ($(wc -l <"$G_TMP/vfsd.tree") entries and xattrs)"
else
	g_notok "differential: the exports differ"
	head -20 "$G_TMP/tree.diff" | sed 's/^/# /'
fi

# 3. socket=PATH with vfsd as a daemon (it binds before the parent returns).
mkdir -p "$G_TMP/s"
"$VFSD" -p "$G_TMP/s" -s "$G_TMP/s.sock" -u 0 -g 0 --log-file "$G_TMP/s.log"
[ -S "$G_TMP/s.sock" ] && g_ok "socket=PATH: the daemon's socket exists" ||
	g_notok "socket=PATH: no socket"
"$G_RUN" --share "proxy:$G_TMP/s.sock" --workload smoke --timeout 200 \
	>"$G_TMP/s.out" 2>&1
g_tap "vfsd socket=PATH" "$G_TMP/s.out"
[ ! -e "$G_TMP/s.sock" ] && g_ok "socket=PATH: QEMU unlinked the socket after connecting" ||
	g_notok "socket=PATH: socket file left behind"

# 4. the capability bug, from the guest.
cat >"$G_TMP/bug.sh" <<'WL'
mkdir -p bug/sg bug/pub && chmod 777 bug/pub && chown 0:1000 bug/sg && chmod 2775 bug/sg
gtool create bug/owned 0644 y
gtool chown bug/owned 1234 1234
gtool create bug/sg/byroot 0644 x
gtool check bug/sg/byroot gid=1000
gtool chown bug/owned 0 0
gtool as 1000 1000 create bug/pub/byuser 0644 z
gtool check bug/pub/byuser uid=1000 gid=1000
WL
bug() { # name helper
	mkdir -p "$G_TMP/b$1"
	"$PAIR" 10 "$2" -p "$G_TMP/b$1" -f @FD@ -n -- "$G_RUN" --share proxyfd:10 \
		--workload-file "$G_TMP/bug.sh" --timeout 200 >"$G_TMP/b$1.out" 2>&1
}
bug vfsd "$VFSD"
bug qemu "$QEMU_HELPER"
if ! grep -q '^not ok' "$G_TMP/bvfsd.out" && [ "$(grep -c '^ok' "$G_TMP/bvfsd.out")" -ge 6 ]; then
	g_ok "setgid capability bug: vfsd passes every step ($(grep -c '^ok' "$G_TMP/bvfsd.out") checks)"
else
	g_notok "setgid capability bug: vfsd failed a step"
	sed 's/^/# /' "$G_TMP/bvfsd.out" | tail -12
fi
if grep -q '^not ok - chown bug/owned 0 0' "$G_TMP/bqemu.out" &&
    grep -q '^not ok.*byuser' "$G_TMP/bqemu.out"; then
	g_ok "setgid capability bug: shown on QEMU's helper (root chown fails, user create fails)"
else
	g_notok "setgid capability bug: not reproduced on QEMU's helper"
	sed 's/^/# /' "$G_TMP/bqemu.out" | tail -12
fi
g_done
