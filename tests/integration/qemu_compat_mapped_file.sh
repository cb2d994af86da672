#!/bin/sh
# qemu_compat.sh for QEMU's mapped-file format (.virtfs_metadata files).
VFSD_COMPAT_MODEL=mapped-file exec sh "$(dirname "$0")/qemu_compat.sh"
