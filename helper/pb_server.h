/* pb_server.h - the helper's protobuf side: the frontend's requests in,
 * the operation core's answers out.
 *
 * One reader takes frames off the socketpair, unpacks and validates them
 * (anything malformed, unknown or out of phase ends the helper: a frontend
 * that sends it is compromised or broken), and queues them for a pool of
 * workers.  Each worker runs one request against the core and sends the
 * response itself, so a slow request does not hold up the others. */
#ifndef VFSD_PB_SERVER_H
#define VFSD_PB_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "helper/core.h"
#include "helper/handles.h"
#include "proto/vfsd.pb-c.h"

#define PB_PROTO_VERSION 1
#define PB_WORKERS_DEFAULT 8
#define PB_HANDLES_MAX (1u << 20)

struct pb_server;

/* One request being answered; handlers fill rsp and the storage below. */
struct pb_call {
	struct pb_server *srv;
	const Vfsd__Request *req;
	struct core_cred cred;
	Vfsd__Response rsp;
	int fd;				/* descriptor to send with rsp, or -1 */
	union {
		Vfsd__HelloRep hello;
		Vfsd__AttachRep attach;
		Vfsd__WalkRep walk;
		Vfsd__ReleaseRep release;
		Vfsd__GetattrRep getattr;
		Vfsd__SetattrRep setattr;
		Vfsd__OpenRep open;
		Vfsd__CreateRep create;
		Vfsd__MkdirRep mkdir;
		Vfsd__SymlinkRep symlink;
		Vfsd__MknodRep mknod;
		Vfsd__LinkRep link;
		Vfsd__RenameatRep renameat;
		Vfsd__UnlinkatRep unlinkat;
		Vfsd__RenameRep rename;
		Vfsd__RemoveRep remove;
		Vfsd__ReadlinkRep readlink;
		Vfsd__StatfsRep statfs;
		Vfsd__XattrGetRep xattr_get;
		Vfsd__XattrListRep xattr_list;
		Vfsd__XattrSetRep xattr_set;
		Vfsd__XattrRemoveRep xattr_remove;
		Vfsd__ChannelRep channel;
	} u;
	Vfsd__Attr attr[16];
	Vfsd__Attr *attrp[16];
	uint8_t *scratch;		/* per-worker, PB_SCRATCH bytes */
};
#define PB_SCRATCH (CORE_XATTR_MAX + 1)

typedef int (*pb_handler)(struct pb_call *);

/* pb_server.c */
int pb_server_new(struct core *c, int sock, int nworkers,
    struct pb_server **out);
/* Serve until the frontend closes (0) or breaks the protocol (-EPROTO). */
int pb_server_run(struct pb_server *s);
void pb_server_free(struct pb_server *s);
struct core *pb_server_core(struct pb_server *s);
struct handles *pb_server_handles(struct pb_server *s);
/* A new private channel served by a thread of its own; *fd is the end to
 * hand to the frontend. */
int pb_server_open_channel(struct pb_server *s, int *fd);

/* pb_ops.c */
pb_handler pb_handler_for(Vfsd__Request__OpCase op);
bool pb_op_needs_cred(Vfsd__Request__OpCase op);

#endif
