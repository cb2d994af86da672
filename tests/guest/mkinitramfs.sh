#!/bin/sh
# Build the test guest's initramfs and print its path.
#
#   tests/guest/mkinitramfs.sh [OUTDIR]      (default: build/guest)
#
# Contents: busybox-static with applet links, tests/guest/gtool.c built with
# gcc -static, the kernel modules of the newest /boot/vmlinuz-*-amd64
# (dependencies resolved from modules.dep) in three groups, each with its
# load order in a list /init reads: /lib/modules.load (9p, virtio, net,
# console: always loaded), /lib/modules.virtiofs (fuse, virtiofs) and
# /lib/modules.nfs4 (nfsv4 and sunrpc, lockd, ...), the last two loaded
# only when the share needs them (each holds only modules the earlier
# groups lack); /init (init.sh) and /workload.sh.
# The result is cached as OUTDIR/initramfs.gz and rebuilt only when one of
# its inputs changes (the key is a hash over all of them).  OUTDIR/vmlinuz
# links to the matching kernel.  Concurrent callers serialize on a lock.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$top/build/guest}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The kernel: the newest Debian amd64 image that has its modules installed.
kver=""
for k in $(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V); do
	v=${k#/boot/vmlinuz-}
	[ -d "/lib/modules/$v/kernel" ] && kver=$v
done
if [ -z "$kver" ]; then
	echo "mkinitramfs: no /boot/vmlinuz-*-amd64 with modules (apt-get install linux-image-amd64)" >&2
	exit 1
fi
kmod=/lib/modules/$kver
busybox=/bin/busybox
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	echo "mkinitramfs: $busybox is not busybox-static (apt-get install busybox-static)" >&2
	exit 1
fi

# Top-level modules per group; their dependencies come from modules.dep.
WANT="virtio_pci 9p 9pnet_virtio 9pnet_fd virtio_net virtio_console"
WANT_VIRTIOFS="virtiofs"
WANT_NFS4="nfsv4"

key=$( {
	echo "$kver $WANT | $WANT_VIRTIOFS | $WANT_NFS4"
	cat "$0" "$here/init.sh" "$here/workload.sh" "$here/gtool.c" "$kmod/modules.dep"
	sha256sum "$busybox" /boot/vmlinuz-"$kver"
	gcc --version | head -1
} | sha256sum | cut -c1-16)

exec 9>"$out/.lock"
flock 9
if [ -f "$out/initramfs.gz" ] && [ "$(cat "$out/initramfs.key" 2>/dev/null)" = "$key" ]; then
	ln -sf /boot/vmlinuz-"$kver" "$out/vmlinuz"
	echo "$out/initramfs.gz"
	exit 0
fi

# resolve "MOD..." ["SKIP..."]: prints the module paths (relative to $kmod)
# of the MODs and their dependencies, dependencies first, each once, except
# the paths listed in SKIP (an earlier group's output).
resolve() {
	awk -v want="$1" -v skip="${2:-}" '
	BEGIN { n = split(skip, s, " "); for (i = 1; i <= n; i++) done[s[i]] = 1 }
	{
		sub(":", "", $1); path = $1
		name = path; sub(".*/", "", name); sub("\\.ko.*", "", name)
		gsub("-", "_", name)
		bypath[name] = path
		deps[path] = ""
		for (i = 2; i <= NF; i++) deps[path] = deps[path] " " $i
	}
	function visit(p,   n, d, i) {
		if (p in done) return
		done[p] = 1
		n = split(deps[p], d, " ")
		for (i = n; i >= 1; i--) visit(d[i])
		print p
	}
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			m = w[i]; gsub("-", "_", m)
			if (!(m in bypath)) { print "missing module " m > "/dev/stderr"; exit 1 }
			visit(bypath[m])
		}
	}' "$kmod/modules.dep"
}

stage=$(mktemp -d "$out/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/proc" "$stage/sys" "$stage/dev" \
	"$stage/tmp" "$stage/mnt" "$stage/lib/modules" "$stage/extra" "$stage/etc"
cp "$busybox" "$stage/bin/busybox"
for a in $("$busybox" --list); do
	[ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
done
gcc -static -O2 -Wall -Wextra -Werror -o "$stage/bin/gtool" "$here/gtool.c"
cp "$stage/bin/gtool" "$out/gtool"
# install_group LIST "MOD..." "SKIP...": copy the group's modules
# (uncompressed) and write their load order to $stage/lib/LIST.
install_group() {
	resolve "$2" "$3" >"$stage/mods.txt" || exit 1
	: >"$stage/lib/$1"
	while read -r m; do
		base=$(basename "$m")
		case "$base" in
		*.ko) cp "$kmod/$m" "$stage/lib/modules/$base" ;;
		*.ko.xz) xz -dc "$kmod/$m" >"$stage/lib/modules/${base%.xz}"; base=${base%.xz} ;;
		*.ko.zst) zstd -qdc "$kmod/$m" >"$stage/lib/modules/${base%.zst}"; base=${base%.zst} ;;
		*.ko.gz) gzip -dc "$kmod/$m" >"$stage/lib/modules/${base%.gz}"; base=${base%.gz} ;;
		*) echo "mkinitramfs: unknown module format $m" >&2; exit 1 ;;
		esac
		echo "/lib/modules/$base" >>"$stage/lib/$1"
	done <"$stage/mods.txt"
	cat "$stage/mods.txt" >>"$stage/mods.all"
	rm "$stage/mods.txt"
}
: >"$stage/mods.all"
install_group modules.load "$WANT" ""
install_group modules.virtiofs "$WANT_VIRTIOFS" "$(cat "$stage/mods.all")"
install_group modules.nfs4 "$WANT_NFS4" "$(cat "$stage/mods.all")"
rm "$stage/mods.all"
cp "$here/init.sh" "$stage/init"
cp "$here/workload.sh" "$stage/workload.sh"
chmod 755 "$stage/init"
echo "root:x:0:0:root:/:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"
(cd "$stage" && find . | sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out/initramfs.gz.tmp"
mv "$out/initramfs.gz.tmp" "$out/initramfs.gz"
echo "$key" >"$out/initramfs.key"
ln -sf /boot/vmlinuz-"$kver" "$out/vmlinuz"
echo "$out/initramfs.gz"
