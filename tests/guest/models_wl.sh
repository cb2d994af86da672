#!/bin/sh
# Guest workloads for tests/integration/models_*.sh, run through
# tests/guest/run.sh --workload-file with Debian programs added by --bins:
#   sh models_wl.sh NAME ARG      (cwd = the 9p mount)
#
#   stress ARG   stress-ng's filesystem stressors with --verify in ./stress;
#                ARG = seconds per group (default 5)
#   acl          (mount with posixacl) Debian's setfacl/getfacl: an access
#                ACL, a default ACL, inheritance by a new file and a new
#                subdirectory, the mask under chmod, removal; the same
#                commands on the guest's tmpfs must print the same; prints
#                "# aclhex PATH NAME HEX" for the host check
#   selinux ARG  setfattr/getfattr security.selinux on ./sel/file; ARG =
#                stored (mapped-xattr: round trip) or refused (EOPNOTSUPP)
#   compat_nodev /workload.sh's compat tree without the device nodes,
#                FIFO and socket (QEMU 7.2 passthrough/none cannot make
#                them: ENXIO; tests/integration/models_qemu_compat.sh makes
#                them on the host instead)
#   locks        the guest's half of the lock exchange with the host
#                (tests/integration/models_locks.sh), with glock (glock.c)
#
# Prints "ok - ..." / "not ok - ..." and "# ..." lines; exits non-zero if
# anything failed.
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
check() { # desc cmd...
	d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}

# stressor groups: each runs at once for ARG seconds.  None of the asked
# stressors is excluded: all pass with --verify in every model.  link and
# symlink overrun the timeout by 1-2 minutes under TCG (they report one
# bogo op in 60-130 s: thousands of link/lstat/unlink calls, each several
# 9P round trips), so the first group takes longest.
STRESS_GROUPS="dir,link,symlink,rename,dentry
xattr,chmod,chown,utime
lockf,flock,fcntl
hdd,seek"

# one group: options for each stressor, then stress-ng's verdict
stress_group() { # csv secs
	opts=""
	for s in $(echo "$1" | tr , ' '); do
		opts="$opts --$s 1"
		case "$s" in
		hdd) opts="$opts --hdd-bytes 4M" ;;
		seek) opts="$opts --seek-size 4M" ;;
		esac
	done
	t0=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086 # opts is a word list
	stress-ng --temp-path . $opts --verify --timeout "$2s" --metrics-brief \
		>/tmp/sng.out 2>&1
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	grep -E 'metrc: .*[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$' /tmp/sng.out |
		sed 's/^stress-ng: metrc: \[[0-9]*\] */# metrics: /'
	# anything stress-ng reports as a failure, plus its own summary
	grep -Ei 'fail|error|verif|skipp|unsuccessful|not implemented' /tmp/sng.out |
		sed 's/^/# stress-ng: /'
	if [ $rc = 0 ] && grep -q 'successful run completed' /tmp/sng.out &&
		! grep -q 'unsuccessful' /tmp/sng.out &&
		! grep -Eqi 'fail:|verif.*(fail|error)' /tmp/sng.out; then
		ok "stress-ng --verify $1 ($2 s): passed in $(echo "$t1 $t0" | awk '{printf "%.1f", $1 - $2}') s"
	else
		notok "stress-ng --verify $1 ($2 s): exit $rc"
		tail -15 /tmp/sng.out | sed 's/^/# stress-ng: /'
	fi
}

wl_stress() {
	secs=${1:-5}
	mkdir -p stress && cd stress || { notok "mkdir stress"; return; }
	echo "$STRESS_GROUPS" | while read -r g; do
		stress_group "$g" "$secs"
	done >/tmp/stress.res
	cat /tmp/stress.res
	grep -q '^not ok' /tmp/stress.res && fails=$((fails + 1))
	cd ..
	# stress-ng removes its own files: the work dir must be empty again
	left=$(find stress -mindepth 1 | head -5)
	if [ -z "$left" ]; then ok "stress-ng left ./stress empty"
	else notok "stress-ng left files: $left"; fi
}

# The ACL sequence, run in an empty directory; prints getfacl and mode
# output with paths relative to it.
acl_seq() {
	umask 022
	echo data >file
	setfacl -m u:1234:rw,g:55:r file
	getfacl -n file
	mkdir dir
	setfacl -d -m u:1234:rwx,g:55:rx,o::- dir
	getfacl -n dir
	echo new >dir/newfile
	mkdir dir/newsub
	echo deeper >dir/newsub/deep
	getfacl -n dir/newfile dir/newsub dir/newsub/deep
	stat -c '%n %A' file dir dir/newfile dir/newsub dir/newsub/deep
	echo "## chmod 640 file (group bits become the mask)"
	chmod 640 file
	getfacl -n file
	echo "## setfacl -m m::r-x file (the mask shows as the group bits)"
	setfacl -m m::rx file
	stat -c '%n %A' file
	getfacl -n file
	echo "## chmod 700 dir/newsub"
	chmod 700 dir/newsub
	getfacl -n dir/newsub
	echo "## setfacl -x u:1234 file; setfacl -k dir"
	setfacl -x u:1234 file
	setfacl -k dir
	getfacl -n file dir
	echo "## setfacl -b dir/newfile"
	setfacl -b dir/newfile
	getfacl -n dir/newfile
	stat -c '%n %A' dir/newfile
}

wl_acl() {
	mkdir -p /tmp/local/acl acl
	(cd /tmp/local/acl && acl_seq) >/tmp/acl.local 2>&1
	(cd acl && acl_seq) >/tmp/acl.9p 2>&1
	n=$(grep -c . /tmp/acl.local)
	if cmp -s /tmp/acl.local /tmp/acl.9p; then
		ok "acl: setfacl/getfacl on 9p print what they print on tmpfs ($n lines)"
	else
		notok "acl: setfacl/getfacl on 9p differ from tmpfs"
		diff /tmp/acl.local /tmp/acl.9p | sed 's/^/# diff: /'
	fi
	sed 's/^/# tmpfs: /' /tmp/acl.local
	# the sequence must have done something: inherited named entries
	# created 0666: the mask is rw-, the inherited entry stays rwx
	check "acl: dir/newfile inherited user:1234:rwx (effective rw-)" \
		grep -q 'user:1234:rwx.*#effective:rw-' /tmp/acl.9p
	check "acl: dir/newsub inherited default:user:1234:rwx" \
		grep -q 'default:user:1234:rwx' /tmp/acl.9p
	# a second state for the host: fresh objects, left in place
	mkdir -p acl2/dir
	echo f >acl2/file
	setfacl -m u:1234:rw,g:55:r,m::rw acl2/file
	setfacl -d -m u:1234:rwx,g:55:rx,o::- acl2/dir
	echo c >acl2/dir/child
	mkdir acl2/dir/sub
	for o in acl2/file:access acl2/dir:access acl2/dir:default \
		acl2/dir/child:access acl2/dir/sub:access acl2/dir/sub:default; do
		p=${o%:*} n=system.posix_acl_${o#*:}
		h=$(getfattr --absolute-names -e hex -n "$n" "$p" 2>/dev/null |
			sed -n "s/^$n=0x//p")
		echo "# aclhex $p $n ${h:-none}"
	done
	stat -c '# aclmode %n %a' acl2/file acl2/dir acl2/dir/child acl2/dir/sub
}

wl_selinux() {
	label=system_u:object_r:foo_t:s0
	mkdir -p sel
	echo labelled >sel/file
	if setfattr -n security.selinux -v "$label" sel/file 2>/tmp/sel.err; then
		set_rc=0
	else
		set_rc=1
	fi
	sed 's/^/# setfattr: /' /tmp/sel.err
	if [ "$1" = refused ]; then
		check "selinux: setfattr security.selinux refused" [ $set_rc = 1 ]
		check "selinux: the refusal is EOPNOTSUPP" grep -q 'Operation not supported' /tmp/sel.err
		check "selinux: getfattr finds no security.selinux" \
			sh -c '! getfattr -n security.selinux sel/file >/dev/null 2>&1'
		return
	fi
	check "selinux: setfattr -n security.selinux -v $label" [ $set_rc = 0 ]
	v=$(getfattr --absolute-names --only-values -n security.selinux sel/file 2>&1)
	check "selinux: getfattr returns $label (got '$v')" [ "$v" = "$label" ]
	getfattr --absolute-names -d -m - sel/file >/tmp/sel.list 2>&1
	sed 's/^/# getfattr -d -m -: /' /tmp/sel.list
	check "selinux: getfattr -d -m - lists security.selinux" \
		grep -q "^security.selinux=\"$label\"" /tmp/sel.list
	check "selinux: the guest cannot see user.virtfs.*" \
		sh -c '! grep -q virtfs /tmp/sel.list'
	check "selinux: setfattr -x security.selinux on sel/file2" \
		sh -c "echo x >sel/file2 && setfattr -n security.selinux -v $label sel/file2 &&
			setfattr -x security.selinux sel/file2 &&
			! getfattr -n security.selinux sel/file2 >/dev/null 2>&1"
}

# Lock exchange with the host.  Markers in ./lk: the host creates ./lk
# and ./lk/file before the guest boots.
wl_lockguest() { # the guest holds, the host tests
	for k in posix flock; do
		r=$(glock hold "$k" lk/file "lk/g-$k-ready" "lk/g-$k-release" 60)
		case "$r" in
		"held $k lock on lk/file for "*" s") ok "lock: guest held a $k lock until the host released it: $r" ;;
		*) notok "lock: guest held a $k lock until the host released it: $r" ;;
		esac
		glock touch "lk/g-$k-done"
		# the next lock only after the host has checked this one is gone
		glock waitfor "lk/h-$k-checked" 60 || notok "lock: the host never checked the $k release"
	done
}

wl_lockhost() { # the host holds, the guest tries and waits
	glock waitfor lk/h-ready 60 || { notok "lock: host never took its lock"; return; }
	for k in posix flock; do
		r=$(glock try "$k" lk/file)
		check "lock: guest $k F_SETLK/LOCK_NB while the host holds: $r" [ "$r" = busy ]
	done
	r=$(glock test posix lk/file)
	check "lock: guest F_GETLK sees the host's lock: $r" [ "$r" = "locked write" ]
	glock touch lk/g-waiting
	r=$(glock wait posix lk/file 40)
	check "lock: guest F_SETLKW waited for the host's release: $r" \
		[ "${r#got after }" != "$r" ]
	glock touch lk/g-got
	# the host holds for 2 s after g-waiting: the wait lasted about that
	s=$(echo "$r" | sed -n 's/got after \([0-9]*\).*/\1/p')
	if [ -n "$s" ] && [ "$s" -ge 1 ] && [ "$s" -lt 20 ]; then
		ok "lock: the wait lasted $s s (the host's hold), not a 30 s client retry"
	else
		notok "lock: the wait lasted ${s:-?} s, expected 1-19 s"
	fi
}

wl_compat_nodev() {
	# shellcheck disable=SC2034 # read by the sourced file
	VFSD_WL_LIB=1
	. /workload.sh
	compat_tree | grep -Ev '^(mknod compat/|chown compat/chr )' | gtool batch >/tmp/cw.out
	cat /tmp/cw.out
	grep -q '^not ok' /tmp/cw.out && fails=$((fails + 1))
	# what the server does with a FIFO, for the record (not a check)
	echo "# probe: $(gtool mknod compat-probe p 0644 2>&1 | head -1)"
	gtool unlink compat-probe >/dev/null 2>&1
}

wl_locks() {
	wl_lockguest
	wl_lockhost
}

name=$1
shift
case "$name" in
stress | acl | selinux | locks | compat_nodev) ;;
*) echo "not ok - unknown workload '$name'"; exit 2 ;;
esac
"wl_$name" "$@"
[ $fails = 0 ]
