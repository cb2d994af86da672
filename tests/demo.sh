#!/bin/sh
# make demo: share a host directory with a Linux guest through vfsd.
#
#   tests/demo.sh [--server vfsd|qemu] [--model passthrough|mapped-xattr] [-v]
#
# 1. copy a small sample tree (embedded below) to a temp directory,
# 2. start build/vfsd exporting it on a local TCP port,
# 3. boot a Linux guest (Debian's kernel under QEMU, busybox inside) that
#    mounts the export with the kernel's 9p client (trans=tcp), lists it,
#    reads a file and writes new ones,
# 4. show what the guest printed and what the host sees afterwards.
# --server qemu uses QEMU's own 9p server instead (for comparison);
# -v shows the guest's console while it boots.  `make` builds vfsd first.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
G_TOP=$top
. "$top/tests/guest/lib.sh"
server=vfsd model=passthrough verbose=""
while [ $# -gt 0 ]; do
	case "$1" in
	--server) server=$2; shift ;;
	--model) model=$2; shift ;;
	-v) verbose=-v ;;
	*) echo "usage: $0 [--server vfsd|qemu] [--model passthrough|mapped-xattr] [-v]" >&2; exit 2 ;;
	esac
	shift
done
g_init demo
say() { printf '\n== %s\n' "$*"; }

# ---- 1. the sample export ----
ex=$G_TMP/export
mkdir -p "$ex/notes" "$ex/src" "$ex/data"
chmod 777 "$ex/notes"   # so that the guest's uid 1000 may write there too
cat >"$ex/README" <<'EOF'
This directory lives on the host.  The guest sees it at /mnt through 9P.
EOF
printf 'buy milk\nship vfsd\n' >"$ex/notes/todo.txt"
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$ex/src/hello.c"
seq 1 5 | awk '{ print $1 "," $1 * $1 }' >"$ex/data/squares.csv"
ln -s notes/todo.txt "$ex/todo"
say "host: the sample export $ex"
(cd "$ex" && ls -lR . | sed 's/^/  /')

# ---- 2. the server ----
case "$server" in
vfsd)
	say "host: starting build/vfsd --export $ex --security-model $model --listen tcp:127.0.0.1:PORT"
	if ! g_vfsd_start "$model" "$ex" "$G_TMP/vfsd.log"; then
		echo "demo: vfsd did not start (see above); is it built and working?" >&2
		exit 1
	fi
	share=tcp:$G_VFSD_PORT
	echo "  vfsd listens on 127.0.0.1:$G_VFSD_PORT (pid $G_VFSD_PID)" ;;
qemu)
	say "host: using QEMU's own server: -virtfs local,path=$ex,security_model=$model"
	share=virtfs:$ex:$model ;;
*) echo "demo: unknown server $server" >&2; exit 2 ;;
esac

# ---- 3. the guest ----
say "guest: booting Linux under QEMU (TCG, a few seconds), mounting the export at /mnt"
"$G_RUN" --share "$share" --workload demo --timeout 120 $verbose >"$G_TMP/guest.out"
rc=$?
sed -e 's/^# //' -e 's/^/  /' "$G_TMP/guest.out"
[ "$server" = vfsd ] && g_vfsd_stop

# ---- 4. the host's view ----
say "host: what the guest left in the export"
(cd "$ex" && ls -lnR notes | sed 's/^/  /')
echo "  notes/from-guest.txt: $(cat "$ex/notes/from-guest.txt" 2>/dev/null || echo '<missing>')"
if [ "$model" = mapped-xattr ]; then
	say "host: mapped-xattr keeps the guest's owner and mode in xattrs"
	getfattr -d -m user.virtfs -e hex "$ex/notes/from-guest.txt" 2>/dev/null | sed 's/^/  /'
fi
if [ $rc -eq 0 ] && [ -f "$ex/notes/from-guest.txt" ]; then
	say "demo: OK"
else
	say "demo: FAILED (guest exit $rc)"
	exit 1
fi
