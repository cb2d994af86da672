/* proxy.h - QEMU 7.2's "-fsdev proxy" wire protocol, spoken by vfsd-helper
 * as a drop-in replacement for virtfs-proxy-helper.
 *
 * Three layers, one file each:
 *  - proxy_codec.c: bytes <-> structs, no I/O, no syscalls.  Requests and
 *    replies are both encoded and decoded (the test client and the
 *    benchmark use the same tables as the server).
 *  - proxy_io.c: exact reads and the three reply classes on a stream socket,
 *    including the SCM_RIGHTS fd reply.
 *  - proxy_server.c: one client, one request at a time, a dispatch table
 *    with one row per request type, each row calling the operation core.
 *  - proxy_cli.c: virtfs-proxy-helper's command line, start-up and
 *    privileges (helper/sandbox.c, shared with the protobuf side).
 *
 * Wire format (all integers in host byte order, as QEMU sends them):
 * header { u32 type; u32 size; } then size payload bytes.  Strings are
 * u16 length + bytes; QEMU includes a trailing NUL in most paths, so a
 * string is taken up to its first NUL. */
#ifndef VFSD_PROXY_H
#define VFSD_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define PROXY_HDR_SIZE		8
#define PROXY_MAX_IO		65536	/* largest payload either side accepts */
#define PROXY_BUF_SIZE		(PROXY_MAX_IO + PROXY_HDR_SIZE)
#define PROXY_FD_VALID		0x7fffffff	/* fd reply: one SCM_RIGHTS fd follows */
#define PROXY_STAT_SIZE		116
#define PROXY_STATFS_SIZE	88
#define PROXY_MAX_STR		65535	/* u16 length */
#define PROXY_READLINK_MAX	4096	/* QEMU's buffer for a link target */

enum proxy_type {
	PROXY_T_SUCCESS = 0,	/* reply types */
	PROXY_T_ERROR,
	PROXY_T_OPEN,		/* requests, in QEMU's enum order */
	PROXY_T_CREATE,
	PROXY_T_MKNOD,
	PROXY_T_MKDIR,
	PROXY_T_SYMLINK,
	PROXY_T_LINK,
	PROXY_T_LSTAT,
	PROXY_T_READLINK,
	PROXY_T_STATFS,
	PROXY_T_CHMOD,
	PROXY_T_CHOWN,
	PROXY_T_TRUNCATE,
	PROXY_T_UTIME,
	PROXY_T_RENAME,
	PROXY_T_REMOVE,
	PROXY_T_LGETXATTR,
	PROXY_T_LLISTXATTR,
	PROXY_T_LSETXATTR,
	PROXY_T_LREMOVEXATTR,
	PROXY_T_GETVERSION,
	PROXY_T_COUNT
};

/* How QEMU reads the reply to each request (it decides by request type
 * alone; a reply in the wrong class desynchronises or aborts QEMU). */
enum proxy_class {
	PROXY_CLASS_FD = 1,	/* bare int32 + SCM_RIGHTS, no header */
	PROXY_CLASS_STATUS,	/* header, size always 4, int32 status */
	PROXY_CLASS_DATA,	/* header + payload, or T_ERROR + int32 */
	PROXY_CLASS_XATTR,	/* STATUS when the request's size is 0, else DATA */
};

/* A decoded request.  Strings are NUL-terminated copies (cut at the first
 * NUL on the wire) that live in strbuf; value points at raw bytes. */
struct proxy_req {
	uint32_t type;
	int32_t uid, gid;	/* -1 is "unchanged" in T_CHOWN */
	int32_t flags;		/* open flags, or xattr flags */
	int32_t mode;
	int32_t size;		/* readlink bufsize, xattr size */
	uint64_t rdev;
	uint64_t length;	/* truncate */
	int64_t times[4];	/* utime: a_sec, a_nsec, m_sec, m_nsec */
	const char *path;	/* primary path (link path for T_SYMLINK) */
	const char *path2;	/* T_LINK/T_RENAME new path, T_SYMLINK target */
	const char *name;	/* xattr name */
	const uint8_t *value;	/* xattr value */
	size_t value_len;
	size_t path_len, path2_len, name_len;
	char strbuf[PROXY_MAX_IO + 4];
};

/* A decoded data reply (used by the client and the tests). */
struct proxy_reply {
	uint32_t type;
	int32_t status;		/* T_ERROR / status class: int32 */
	struct stat st;
	struct statfs sfs;
	uint64_t u64;
	const uint8_t *data;	/* `s` payload of readlink/xattr replies */
	size_t data_len;
};

/* proxy_codec.c */
enum proxy_class proxy_class_of(uint32_t type);
const char *proxy_type_name(uint32_t type);
bool proxy_is_request(uint32_t type);
void proxy_put_hdr(uint8_t *buf, uint32_t type, uint32_t size);
void proxy_get_hdr(const uint8_t *buf, uint32_t *type, uint32_t *size);
int proxy_decode_req(uint32_t type, const uint8_t *p, size_t len,
    struct proxy_req *rq);
int proxy_encode_req(const struct proxy_req *rq, uint8_t *buf, size_t cap);
size_t proxy_encode_status(uint8_t *buf, int32_t status);
size_t proxy_encode_stat(uint8_t *buf, const struct stat *st);
size_t proxy_encode_statfs(uint8_t *buf, const struct statfs *st);
size_t proxy_encode_u64(uint8_t *buf, uint64_t v);
int proxy_encode_str(uint8_t *buf, size_t cap, const void *s, size_t len);
int proxy_decode_reply(uint32_t req_type, int32_t req_size,
    const uint8_t *p, size_t len, uint32_t rtype, struct proxy_reply *rp);

/* proxy_io.c */

/* The server's side of the stream, read through a buffer: QEMU writes each
 * request with one write, so one read(2) usually brings its header and
 * payload together (a request costs one system call to read, not two).
 * Requests never carry descriptors, so nothing is lost by reading ahead;
 * the client side, whose fd replies come with SCM_RIGHTS, must not use it. */
struct proxy_reader {
	size_t off, len;
	uint8_t buf[4096];
};

int proxy_read_full(int fd, void *buf, size_t len);
int proxy_reader_msg(struct proxy_reader *rd, int sock, uint8_t *buf,
    size_t cap, uint32_t *type, uint32_t *size);
int proxy_write_full(int fd, const void *buf, size_t len);
int proxy_send_fd_reply(int sock, int fd_or_err);
int proxy_recv_fd_reply(int sock, int *fd);
int proxy_recv_msg(int sock, uint8_t *buf, size_t cap, uint32_t *type,
    uint32_t *size);
int proxy_call(int sock, const struct proxy_req *rq, uint8_t *buf,
    size_t cap, struct proxy_reply *rp, int *fd, int timeout_ms);
int proxy_read_reply(int sock, const struct proxy_req *rq, uint8_t *buf,
    size_t cap, struct proxy_reply *rp, int *fd, int timeout_ms);

/* proxy_server.c */
struct core;
struct proxy_server_opts {
	bool getversion_ioctl;	/* export on ext*, btrfs, xfs, reiserfs */
};
int proxy_serve(struct core *c, int sock, const struct proxy_server_opts *o);

/* proxy_cli.c */
int proxy_cli_main(int argc, char **argv);
bool proxy_cli_wanted(int argc, char **argv);

#endif
