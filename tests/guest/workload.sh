#!/bin/sh
# Guest workloads (busybox sh + gtool), run by /init with the share mounted
# and the current directory at its root:  sh /workload.sh NAME [ARG]
#
#   full      the end-to-end workload: creates, writes, reads, renames (also
#             of open files), hard and symbolic links, chmod/chown, xattrs,
#             deletes (also of open files), mknod, a 64 MiB file, a directory
#             of 10,000 entries; everything under ./wl, then checked from
#             the guest.  tests/guest/check_host.sh checks the same tree on
#             the host afterwards.  ARG, comma-separated: "small" = 4 MiB
#             and 1,000 entries, "tiny" = 1 MiB and 100 (cache=loose creates
#             are slow), "acl" = also POSIX ACLs (mount with posixacl).
#   compat_write / compat_read
#             write / verify a tree of owners, modes, device nodes, FIFOs,
#             symlinks and xattrs under ./compat (tests/integration/qemu_compat.sh)
#   readonly  against a read-only export holding ro/file ("ro\n") with
#             user.ro=yes: reads work, every change fails with EROFS
#   smoke     a quick create/read/list
#   demo      what tests/demo.sh shows: list, read, write
#
# Every check prints "ok - ..." or "not ok - ..."; "#" lines are comments.
# The exit status is non-zero if anything failed.
#
# With VFSD_WL_LIB=1 this file only defines its functions, so the host side
# (check_host.sh) can reuse the expected-tree lists.

BIG_SIZE=64M
MANY=10000

phase_t0=0
phase() { # name
	now=$(cut -d' ' -f1 /proc/uptime 2>/dev/null)
	[ "$phase_t0" != 0 ] && echo "# phase $phase_name: $(echo "$now $phase_t0" |
		awk '{printf "%.2f", $1 - $2}') s"
	phase_t0=$now
	phase_name=$1
}

# The tree "full" builds, as gtool batch commands (run in the share's root).
build_tree() {
	cat <<'EOF'
mkdir wl 0755
mkdir wl/files 0755
mkdir wl/dirs 0755
mkdir wl/links 0755
mkdir wl/perm 0755
mkdir wl/own 0755
mkdir wl/xattr 0755
mkdir wl/special 0755
mkdir wl/del 0755
mkdir wl/big 0755
mkdir wl/names 0755
# plain files, truncation, sparse growth, timestamps
create wl/files/hello.txt 0644 hello\sworld\n
chmod wl/files/hello.txt 0640
create wl/files/empty 0600
create wl/files/trunc 0644 0123456789
truncate wl/files/trunc 4
create wl/files/grow 0644 x
truncate wl/files/grow 100000
writepat wl/files/data.bin 1000000 1
create wl/files/times 0644 t
utime wl/files/times 981173106 123456789
# renames: same dir, across dirs, over an existing file, a whole directory
mkdir wl/dirs/a 0755
mkdir wl/dirs/a/b 0755
mkdir wl/dirs/a/b/c 0700
create wl/files/ren-src 0644 rename\sme\n
rename wl/files/ren-src wl/files/renamed
create wl/files/xdir-src 0644 moved\n
rename wl/files/xdir-src wl/dirs/a/b/moved.txt
create wl/files/replaced 0644 old\n
create wl/files/replacer 0644 new\n
rename wl/files/replacer wl/files/replaced
mkdir wl/dirs/rd-src 0755
create wl/dirs/rd-src/inner 0644 inner\n
rename wl/dirs/rd-src wl/dirs/renamed-dir
openrename wl/files/openren-src wl/dirs/a/openren-dst
mkdir wl/dirs/rd2-src 0755
create wl/dirs/rd2-src/f 0644 over\n
mkdir wl/dirs/rd2-dst 0755
rename wl/dirs/rd2-src wl/dirs/rd2-dst
fail ENOTEMPTY rename wl/dirs/a/b wl/dirs/renamed-dir
# a 255-byte name, a 4000-byte symlink target
longname wl/names 255
longlink wl/names/longlink 4000
# deletes, also of an open file
unlinkopen wl/files/unlinked-open
create wl/del/file 0644 x
unlink wl/del/file
mkdir wl/del/dir 0755
rmdir wl/del/dir
fail ENOTEMPTY rmdir wl/dirs/a
# hard and symbolic links
create wl/links/hl-a 0644 linked\n
link wl/links/hl-a wl/links/hl-b
link wl/links/hl-a wl/dirs/a/hl-c
link wl/links/hl-a wl/links/hl-tmp
unlink wl/links/hl-tmp
symlink ../files/hello.txt wl/links/sym-rel
symlink /no/such/target wl/links/sym-abs
symlink ../dirs/a wl/links/sym-dir
# modes
create wl/perm/m0600 0600 secret\n
create wl/perm/m0755 0644
chmod wl/perm/m0755 0755
create wl/perm/m4755 0755
chmod wl/perm/m4755 04755
create wl/perm/m0000 0644
chmod wl/perm/m0000 0
mkdir wl/perm/sticky 0755
chmod wl/perm/sticky 01777
mkdir wl/perm/setgid 0755
chmod wl/perm/setgid 02775
# owners: chown by root, lchown of a symlink, a file made by uid 1000
create wl/own/u1234 0644 owned\n
chown wl/own/u1234 1234 5678
mkdir wl/own/d4321 0755
chown wl/own/d4321 4321 8765
symlink hello wl/own/sym
chown wl/own/sym 1111 2222
mkdir wl/own/open 0777
as 1000 1000 create wl/own/open/by1000 0640 mine\n
as 1000 1000 mkdir wl/own/open/dir1000 0750
as 1000 1000 fail EACCES open wl/perm/m0600
as 1000 1000 fail EACCES create wl/own/d4321/nope 0644
# xattrs on a file and a directory
create wl/xattr/file 0644 x
setx wl/xattr/file user.test value1
setxhex wl/xattr/file user.bin 00ff10203040fe
setx wl/xattr/file user.gone bye
rmx wl/xattr/file user.gone
setx wl/xattr/file user.test value2
setx wl/xattr user.dirattr d
# ext4 without ea_inode keeps all xattrs of an inode in one 4 KiB block
setxbig wl/xattr/file user.big 3000
fail ENODATA rmx wl/xattr/file user.never
# special files
mknod wl/special/fifo p 0644
mknod wl/special/chr c 0620 1 3
mknod wl/special/blk b 0660 8 1
mknod wl/special/sock s 0755
EOF
}

# Checks that read the same in the guest and on the host in every security
# model: contents, sizes, link counts, names, times, user.* xattrs.
expect_tree() {
	cat <<'EOF'
check wl entries=11
check wl/files entries=8
check wl/files/hello.txt size=12 nlink=1 content=hello\sworld\n
check wl/files/empty size=0
check wl/files/trunc size=4 content=0123
check wl/files/grow size=100000
checkpat wl/files/data.bin 1000000 1
check wl/files/times mtime=981173106
check wl/files/renamed content=rename\sme\n
absent wl/files/ren-src
check wl/dirs/a/b/moved.txt content=moved\n
absent wl/files/xdir-src
check wl/files/replaced content=new\n nlink=1
absent wl/files/replacer
check wl/dirs/renamed-dir entries=1
check wl/dirs/renamed-dir/inner content=inner\n
absent wl/dirs/rd-src
check wl/dirs/rd2-dst/f content=over\n
absent wl/dirs/rd2-src
check wl/names entries=2
check wl/dirs/a/openren-dst size=27 content=before\srename\nafter\srename\n
absent wl/files/openren-src
absent wl/files/unlinked-open
check wl/del entries=0
check wl/links/hl-a nlink=3 content=linked\n
check wl/links/hl-b same=wl/links/hl-a nlink=3
check wl/dirs/a/hl-c same=wl/links/hl-a nlink=3
absent wl/links/hl-tmp
check wl/perm/m0600 content=secret\n
check wl/own/open/by1000 content=mine\n
check wl/xattr/file xattr=user.test:value2 xhex=user.bin:00ff10203040fe noxattr=user.gone xlisted=user.test xlisted=user.bin xunlisted=user.gone
check wl/xattr xattr=user.dirattr:d
check wl/xattr/file xbig=user.big:3000
check wl/special/fifo size=0
EOF
}

# Guest-visible metadata of the tree: PATH TYPE PERM UID GID [RDEV|TARGET].
# meta_checks turns it into checks for one view (see there).
meta_tree() {
	cat <<'EOF'
wl d 0755 0 0
wl/files d 0755 0 0
wl/files/hello.txt f 0640 0 0
wl/files/empty f 0600 0 0
wl/files/trunc f 0644 0 0
wl/files/data.bin f 0644 0 0
wl/files/renamed f 0644 0 0
wl/dirs/a d 0755 0 0
wl/dirs/a/b/c d 0700 0 0
wl/dirs/a/b/moved.txt f 0644 0 0
wl/dirs/renamed-dir d 0755 0 0
wl/dirs/a/openren-dst f 0640 0 0
wl/links/hl-b f 0644 0 0
wl/links/sym-rel l 0777 0 0 ../files/hello.txt
wl/links/sym-abs l 0777 0 0 /no/such/target
wl/links/sym-dir l 0777 0 0 ../dirs/a
wl/perm/m0600 f 0600 0 0
wl/perm/m0755 f 0755 0 0
wl/perm/m4755 f 4755 0 0
wl/perm/m0000 f 0000 0 0
wl/perm/sticky d 1777 0 0
wl/perm/setgid d 2775 0 0
wl/own/u1234 f 0644 1234 5678
wl/own/d4321 d 0755 4321 8765
wl/own/sym l 0777 1111 2222 hello
wl/own/open d 0777 0 0
wl/own/open/by1000 f 0640 1000 1000
wl/own/open/dir1000 d 0750 1000 1000
wl/xattr/file f 0644 0 0
wl/special/fifo p 0644 0 0 0:0
wl/special/chr c 0620 0 0 1:3
wl/special/blk b 0660 0 0 8:1
wl/special/sock s 0755 0 0 0:0
EOF
}

# meta_checks VIEW: reads a meta table, prints gtool checks for VIEW:
#   guest, passthrough   the real type, mode, owner, rdev, symlink target
#   mapped-xattr         QEMU's on-disk format: a directory stays one, all
#                        else is a regular file (a symlink holds its target
#                        as contents, a device/FIFO/socket is empty), the
#                        guest's uid/gid/mode/rdev are in user.virtfs.* as
#                        u32/u32/u32/u64 little-endian, mode with S_IFMT,
#                        rdev in glibc dev_t encoding
#   mapped-file          the same host objects; the guest's metadata in
#                        DIR/.virtfs_metadata/NAME (mode 0600) as lines
#                        virtfs.uid=U virtfs.gid=G virtfs.mode=M (decimal,
#                        with S_IFMT) and, for mknod, virtfs.rdev=R (glibc
#                        dev_t as a signed 32-bit int)
meta_checks() {
	awk -v view="$1" '
	function le(v, n,   s, i) {
		s = ""
		for (i = 0; i < n; i++) { s = s sprintf("%02x", v % 256); v = int(v / 256) }
		return s
	}
	function oct(s,   v, i) {
		v = 0
		for (i = 1; i <= length(s); i++) v = v * 8 + substr(s, i, 1)
		return v
	}
	BEGIN {
		ifmt["f"] = 32768; ifmt["d"] = 16384; ifmt["l"] = 40960; ifmt["p"] = 4096
		ifmt["c"] = 8192; ifmt["b"] = 24576; ifmt["s"] = 49152
	}
	/^#/ || NF < 5 { next }
	{
		path = $1; t = $2; perm = $3; uid = $4; gid = $5; extra = $6
		if (view == "guest" || view == "passthrough") {
			line = "check " path " type=" t " perm=" perm " uid=" uid " gid=" gid
			if (t == "l") line = line " target=" extra
			if (t == "c" || t == "b") line = line " rdev=" extra
			print line
			next
		}
		mode = ifmt[t] + oct(perm)
		special = t == "p" || t == "c" || t == "b" || t == "s"
		if (special) {
			split(extra, mm, ":")
			maj = mm[1] + 0; mn = mm[2] + 0
			dev = (maj % 4096) * 256 + (mn % 256) + int(mn / 256) * 1048576 + int(maj / 4096) * 17592186044416
		}
		if (view == "mapped-file") {
			line = "check " path " type=" (t == "d" ? "d" : "f")
			if (t == "l") line = line " content=" extra
			if (special) line = line " size=0"
			print line
			d = path; n = path
			if (sub("/[^/]*$", "", d)) sub(".*/", "", n); else d = "."
			md = "virtfs.uid=" uid "\\nvirtfs.gid=" gid "\\nvirtfs.mode=" mode "\\n"
			if (special) md = md "virtfs.rdev=" (dev >= 2147483648 ? dev - 4294967296 : dev) "\\n"
			print "check " d "/.virtfs_metadata/" n " type=f perm=0600 content=" md
			next
		}
		line = "check " path " type=" (t == "d" ? "d" : "f")
		line = line " xhex=user.virtfs.uid:" le(uid, 4) " xhex=user.virtfs.gid:" le(gid, 4)
		line = line " xhex=user.virtfs.mode:" le(mode, 4)
		if (t == "l") line = line " content=" extra
		if (special)
			line = line " size=0 xhex=user.virtfs.rdev:" le(dev, 8)
		print line
	}'
}

# Checks only the guest can make (the server must hide its own xattrs).
expect_guest_only() {
	cat <<'EOF'
check wl/xattr/file noxattr=user.virtfs.mode noxattr=user.virtfs.uid xunlisted=user.virtfs.mode
statfs wl
EOF
}

# POSIX ACLs as the kernel's xattr blobs: u32 LE version 2, then entries
# (u16 tag, u16 perm, u32 id); tags USER_OBJ 1, USER 2, GROUP_OBJ 4, MASK
# 0x10, OTHER 0x20; id ffffffff for the *_OBJ/MASK/OTHER entries.
# file:  u::rw- u:1234:r-- g::r-- m::r-- o::---
ACL_FILE=0200000001000600ffffffff02000400d204000004000400ffffffff10000400ffffffff20000000ffffffff
# dir default:  u::rwx u:1234:r-x g::r-x m::r-x o::---
ACL_DEF=0200000001000700ffffffff02000500d204000004000500ffffffff10000500ffffffff20000000ffffffff
# a file created 0666 under that default: the guest masks it by the mode:
# u::rw- u:1234:r-x g::r-x m::r-- o::---, mode 0640
ACL_CHILD=0200000001000600ffffffff02000500d204000004000500ffffffff10000400ffffffff20000000ffffffff

acl_tree() {
	cat <<EOF
mkdir wl/xattr/acl 0755
create wl/xattr/acl/file 0640 acl\n
setxhex wl/xattr/acl/file system.posix_acl_access $ACL_FILE
mkdir wl/xattr/acl/dir 0750
setxhex wl/xattr/acl/dir system.posix_acl_default $ACL_DEF
create wl/xattr/acl/dir/child 0666 child\n
EOF
}

# acl_checks PREFIX: where the ACLs live (guest and passthrough:
# system.posix_acl_; mapped-xattr: user.virtfs.system.posix_acl_).
acl_checks() {
	cat <<EOF
check wl/xattr/acl/file xhex=$1access:$ACL_FILE
check wl/xattr/acl/dir xhex=$1default:$ACL_DEF
check wl/xattr/acl/dir/child xhex=$1access:$ACL_CHILD
EOF
	[ "$1" = system.posix_acl_ ] && cat <<EOF
check wl/xattr/acl/file perm=0640
check wl/xattr/acl/dir/child perm=0640
EOF
}

# The compatibility tree (owners, modes, device numbers, FIFOs, symlinks).
compat_tree() {
	cat <<'EOF'
mkdir compat 0755
create compat/file 0640 compat\sfile\n
chown compat/file 1234 5678
link compat/file compat/file-link
mkdir compat/dir 0751
chown compat/dir 4321 8765
create compat/dir/inner 0604 inner\n
mknod compat/chr c 0620 4 5
chown compat/chr 11 12
mknod compat/blk b 0640 7 0
mknod compat/blk2 b 0600 259 65536
mknod compat/fifo p 0604
mknod compat/sock s 0600
symlink target/path compat/sym
chown compat/sym 21 22
symlink ../compat/dir/inner compat/sym-rel
create compat/xattr 0644
setx compat/xattr user.compat yes
writepat compat/pat 300000 9
EOF
}

compat_expect() {
	cat <<'EOF'
check compat entries=12
check compat/file nlink=2 size=12 content=compat\sfile\n
check compat/file-link same=compat/file
check compat/dir entries=1
check compat/dir/inner content=inner\n
check compat/xattr xattr=user.compat:yes
checkpat compat/pat 300000 9
EOF
}

compat_meta() {
	cat <<'EOF'
compat d 0755 0 0
compat/file f 0640 1234 5678
compat/dir d 0751 4321 8765
compat/dir/inner f 0604 0 0
compat/chr c 0620 11 12 4:5
compat/blk b 0640 0 0 7:0
compat/blk2 b 0600 0 0 259:65536
compat/fifo p 0604 0 0 0:0
compat/sock s 0600 0 0 0:0
compat/sym l 0777 21 22 target/path
compat/sym-rel l 0777 0 0 ../compat/dir/inner
compat/xattr f 0644 0 0
EOF
}

wl_full() {
	size=$BIG_SIZE; many=$MANY; acl=0
	for f in $(echo "$1" | tr , ' '); do
		case "$f" in
		small) size=4M; many=1000 ;;
		tiny) size=1M; many=100 ;;
		acl) acl=1 ;;
		esac
	done
	phase build
	build_tree | gtool batch
	[ $acl = 1 ] && acl_tree | gtool batch
	phase shell-io
	# busybox does ordinary reads and writes through the page cache path
	echo "line one" >wl/files/echo.txt && echo "line two" >>wl/files/echo.txt
	[ "$(cat wl/files/echo.txt)" = "line one
line two" ] && echo "ok - echo/cat append" || echo "not ok - echo/cat append"
	cp wl/files/data.bin wl/files/data.copy && cmp wl/files/data.bin wl/files/data.copy &&
		rm wl/files/data.copy && echo "ok - cp/cmp/rm 1 MB" || echo "not ok - cp/cmp/rm 1 MB"
	rm wl/files/echo.txt
	phase big-write
	gtool writepat wl/big/big.bin "$size" 42
	phase big-read
	gtool checkpat wl/big/big.bin "$size" 42
	phase big-sha256
	echo "# sha256 wl/big/big.bin $(sha256sum wl/big/big.bin | cut -d' ' -f1) $size"
	phase many
	gtool many wl/many "$many"
	phase guest-check
	{ expect_tree; meta_tree | meta_checks guest; expect_guest_only
	  [ $acl = 1 ] && acl_checks system.posix_acl_; } | gtool batch
	phase end
}

wl_compat_write() {
	compat_tree | gtool batch
	wl_compat_read
}

wl_compat_read() {
	{ compat_expect; compat_meta | meta_checks guest; } | gtool batch
}

wl_readonly() {
	gtool batch <<'EOF'
check ro type=d entries=1
check ro/file type=f content=ro\n xattr=user.ro:yes
fail EROFS create ro/new 0644
fail EROFS mkdir ro/dir 0755
fail EROFS mknod ro/fifo p 0644
fail EROFS symlink target ro/sym
fail EROFS link ro/file ro/hard
fail EROFS rename ro/file ro/moved
fail EROFS unlink ro/file
fail EROFS rmdir ro
fail EROFS openw ro/file
fail EROFS truncate ro/file 0
fail EROFS chmod ro/file 0600
fail EROFS chown ro/file 1 1
fail EROFS utime ro/file 1 0
fail EROFS setx ro/file user.new v
fail EROFS rmx ro/file user.ro
check ro type=d entries=1
check ro/file type=f content=ro\n xattr=user.ro:yes
statfs ro
EOF
}

wl_smoke() {
	gtool batch <<'EOF'
mkdir smoke 0755
create smoke/a 0644 smoke\n
check smoke/a type=f content=smoke\n
rename smoke/a smoke/b
check smoke type=d entries=1
unlink smoke/b
rmdir smoke
EOF
}

wl_demo() {
	echo "# guest: ls -l /mnt (the host's sample export)"
	ls -l | sed 's/^/# /'
	echo "# guest: cat /mnt/README"
	sed 's/^/# /' README
	echo "# guest: writing notes/from-guest.txt, a symlink, a directory, a file as uid 1000"
	uname -r >/tmp/kver
	gtool batch <<EOF
create notes/from-guest.txt 0644 written\sby\sthe\sguest\skernel\s$(cat /tmp/kver)\n
symlink from-guest.txt notes/latest
mkdir notes/guest-dir 0750
as 1000 1000 create notes/by-uid-1000.txt 0600 a\suser's\sfile\n
check notes/from-guest.txt type=f content=written\sby\sthe\sguest\skernel\s$(cat /tmp/kver)\n
check notes/latest type=l target=from-guest.txt
EOF
	echo "# guest: ls -lR /mnt/notes"
	ls -lR notes | sed 's/^/# /'
}

[ "${VFSD_WL_LIB:-0}" = 1 ] && return 0 2>/dev/null
name=$1
shift
case "$name" in
full | compat_write | compat_read | readonly | smoke | demo) ;;
*) echo "not ok - unknown workload '$name'"; exit 2 ;;
esac
out=/tmp/wl.out
"wl_$name" "$@" 2>&1 | tee "$out"
! grep -q '^not ok' "$out"
