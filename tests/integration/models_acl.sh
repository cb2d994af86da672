#!/bin/sh
# POSIX ACLs with Debian's acl tools in a real guest on a vfsd posixacl
# mount, in passthrough and mapped-xattr (tests/guest/models_wl.sh acl):
# setfacl on a file, a default ACL on a directory, inheritance by a new
# file and a new subdirectory, the mask under chmod and setfacl -m m::,
# removal; getfacl must print exactly what the same commands print on the
# guest's own tmpfs.  The host then checks the storage of a second tree:
# passthrough = real host ACLs (system.posix_acl_*) equal to the guest's,
# host mode equal; mapped-xattr = user.virtfs.system.posix_acl_* equal to
# the guest's ACLs, no real host ACL, user.virtfs.mode equal.
. "$(dirname "$0")/../guest/lib.sh"
g_init models-acl

host_check() { # model dir out
	grep '^# aclhex ' "$3" | while read -r _ _ p n hex; do
		if [ "$1" = mapped-xattr ]; then
			hn=user.virtfs.$n
			real=$(getfattr --absolute-names -e hex -n "$n" "$2/$p" 2>/dev/null | sed -n "s/^$n=0x//p")
			if [ -z "$real" ]; then
				echo "ok - host: $p has no real $n"
			else
				echo "not ok - host: $p has a real $n ($real)"
			fi
		else
			hn=$n
		fi
		h=$(getfattr --absolute-names -e hex -n "$hn" "$2/$p" 2>/dev/null | sed -n "s/^$hn=0x//p")
		if [ "${h:-none}" = "$hex" ]; then
			echo "ok - host: $p $hn is the guest's ACL (${h:-none})"
		else
			echo "not ok - host: $p $hn is ${h:-absent}, the guest saw $hex"
		fi
	done
	grep '^# aclmode ' "$3" | while read -r _ _ p mode; do
		if [ "$1" = mapped-xattr ]; then
			h=$(getfattr --absolute-names -e hex -n user.virtfs.mode "$2/$p" 2>/dev/null |
				sed -n 's/^user.virtfs.mode=0x\(..\)\(..\)\(..\)\(..\)$/\4\3\2\1/p')
			[ -n "$h" ] && h=$(printf '%o' $((0x$h & 07777)))
		else
			h=$(stat -c %a "$2/$p")
		fi
		if [ "$h" = "$mode" ]; then
			echo "ok - host: $p mode $mode"
		else
			echo "not ok - host: $p mode ${h:-?}, the guest saw $mode"
		fi
	done
}

for m in passthrough mapped-xattr; do
	exp=$G_TMP/export-$m out=$G_TMP/$m.out
	mkdir -p "$exp"
	if ! g_vfsd_start "$m" "$exp" "$G_TMP/$m.vfsd.log"; then
		g_notok "$m: vfsd did not start"
		continue
	fi
	t0=$(date +%s)
	"$G_RUN" --share "tcp:$G_VFSD_PORT" --mount-opts posixacl \
		--bins "getfacl setfacl getfattr setfattr" \
		--workload-file "$G_TOP/tests/guest/models_wl.sh" --workload acl \
		--timeout 200 --log "$out.con" >"$out" 2>&1
	g_vfsd_stop
	echo "# $m: guest run took $(($(date +%s) - t0)) s"
	n=$(grep -c '^# aclhex ' "$out")
	if [ "$n" -ne 6 ]; then
		g_notok "$m: the guest printed $n of 6 ACLs"
		tail -15 "$out" | sed 's/^/# /'
	fi
	grep -v '^# tmpfs: ' "$out" >"$out.short"
	g_tap "$m" "$out.short"
	host_check "$m" "$exp" "$out" >"$out.host"
	g_tap "$m" "$out.host"
done
g_done
