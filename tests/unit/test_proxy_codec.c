/* test_proxy_codec.c - golden bytes (qemu-proxy-protocol.md §6, captured
 * from QEMU 7.2.22 and its helper), round trips for every request type,
 * and malformed input: truncations, lying string lengths, unknown types,
 * oversized payloads and random bytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper/proxy.h"
#include "tests/unit/tap.h"

static struct proxy_req rq, rq2;
static uint8_t buf[PROXY_BUF_SIZE + 64];

#define MEM_EQ(got, glen, want, ...) \
	ok(tap_mem_eq(got, glen, want, sizeof(want)), __VA_ARGS__)

/* A stat as the captured exchanges of §6 report it: both golden objects
 * sit on device 0xfe00 with 4096-byte blocks and the same times. */
static void
golden_st(struct stat *st, ino_t ino, nlink_t nlink, mode_t mode, off_t size)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = 0xfe00;
	st->st_ino = ino;
	st->st_nlink = nlink;
	st->st_mode = mode;
	st->st_size = size;
	st->st_blksize = 4096;
	st->st_blocks = 8;
	st->st_atim.tv_sec = st->st_mtim.tv_sec = 1672628645;
	st->st_atim.tv_nsec = st->st_mtim.tv_nsec = 123456789;
	st->st_ctim.tv_sec = 1795301761;
	st->st_ctim.tv_nsec = 199851371;
}

static void
golden_stat_root(void)
{
	static const uint8_t req[] = { 0x08, 0, 0, 0, 0x04, 0, 0, 0,
	    0x02, 0, 0x2f, 0 };
	static const uint8_t rep[] = {
	    0x00, 0, 0, 0, 0x74, 0, 0, 0,
	    0x00, 0xfe, 0, 0, 0, 0, 0, 0,  0x1b, 0x07, 0xaa, 0, 0, 0, 0, 0,
	    0x03, 0, 0, 0, 0, 0, 0, 0,  0xed, 0x41, 0, 0,  0, 0, 0, 0,
	    0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,
	    0x00, 0x10, 0, 0, 0, 0, 0, 0,  0x00, 0x10, 0, 0, 0, 0, 0, 0,
	    0x08, 0, 0, 0, 0, 0, 0, 0,
	    0xa5, 0x49, 0xb2, 0x63, 0, 0, 0, 0, 0x15, 0xcd, 0x5b, 0x07, 0, 0, 0, 0,
	    0xa5, 0x49, 0xb2, 0x63, 0, 0, 0, 0, 0x15, 0xcd, 0x5b, 0x07, 0, 0, 0, 0,
	    0x81, 0x21, 0x02, 0x6b, 0, 0, 0, 0, 0x6b, 0x7d, 0xe9, 0x0b, 0, 0, 0, 0,
	};
	struct stat st;
	struct proxy_reply rp;
	uint32_t t, sz;
	int n;

	proxy_get_hdr(req, &t, &sz);
	ok(t == PROXY_T_LSTAT && sz == 4, "6.1 header: T_LSTAT size 4");
	is_int(proxy_decode_req(t, req + 8, sz, &rq), 0, "6.1 decodes");
	ok(strcmp(rq.path, "/") == 0 && rq.path_len == 1,
	    "6.1 path is \"/\" with QEMU's NUL cut off");

	memset(&rq2, 0, offsetof(struct proxy_req, strbuf));
	rq2.type = PROXY_T_LSTAT;
	rq2.path = "/";
	rq2.path_len = 2;	/* QEMU counts the NUL */
	n = proxy_encode_req(&rq2, buf, sizeof(buf));
	MEM_EQ(buf, (size_t)n, req, "6.1 request encodes byte for byte");

	golden_st(&st, 0xaa071b, 3, 040755, 4096);
	n = (int)proxy_encode_stat(buf, &st);
	is_int(n, 124, "stat reply is 8 + 116 bytes");
	MEM_EQ(buf, (size_t)n, rep, "6.1 stat reply byte for byte");

	proxy_get_hdr(rep, &t, &sz);
	is_int(proxy_decode_reply(PROXY_T_LSTAT, 0, rep + 8, sz, t, &rp), 0,
	    "6.1 reply decodes");
	ok(rp.st.st_ino == 0xaa071b && rp.st.st_mode == 040755 &&
	    rp.st.st_ctim.tv_nsec == 199851371, "6.1 reply fields round trip");
	is_int(proxy_decode_reply(PROXY_T_LSTAT, 0, rep + 8, 100, t, &rp),
	    -ENOBUFS, "a 100-byte stat is refused (QEMU would abort)");
}

static void
golden_stat_file(void)
{
	static const uint8_t req[] = { 0x08, 0, 0, 0, 0x0a, 0, 0, 0, 0x08, 0,
	    0x2f, 0x2f, 0x66, 0x69, 0x6c, 0x65, 0x31, 0x00 };
	static const uint8_t rep[] = {
	    0x00, 0x00, 0x00, 0x00, 0x74, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0xed, 0x07, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa4, 0x81, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0xa5, 0x49, 0xb2, 0x63, 0x00, 0x00, 0x00, 0x00,
	    0x15, 0xcd, 0x5b, 0x07, 0x00, 0x00, 0x00, 0x00, 0xa5, 0x49, 0xb2, 0x63,
	    0x00, 0x00, 0x00, 0x00, 0x15, 0xcd, 0x5b, 0x07, 0x00, 0x00, 0x00, 0x00,
	    0x81, 0x21, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x6b, 0x7d, 0xe9, 0x0b,
	    0x00, 0x00, 0x00, 0x00 };
	struct stat st;
	int n;

	is_int(proxy_decode_req(PROXY_T_LSTAT, req + 8, 10, &rq), 0,
	    "6.2 decodes");
	ok(strcmp(rq.path, "//file1") == 0, "6.2 path \"//file1\"");
	golden_st(&st, 0xaa07ed, 1, 0100644, 6);
	n = (int)proxy_encode_stat(buf, &st);
	MEM_EQ(buf, (size_t)n, rep, "6.2 stat reply byte for byte");
}

static void
golden_requests(void)
{
	static const uint8_t open_req[] = { 0x02, 0, 0, 0, 0x0e, 0, 0, 0,
	    0x08, 0, 0x2f, 0x2f, 0x66, 0x69, 0x6c, 0x65, 0x31, 0x00, 0, 0, 0, 0 };
	static const uint8_t create_req[] = { 0x03, 0, 0, 0, 0x1c, 0, 0, 0,
	    0x0a, 0, 0x2f, 0x2f, 0x64, 0x69, 0x72, 0x31, 0x2f, 0x6e, 0x65, 0x77,
	    0xc1, 0, 0, 0, 0xa0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t mkdir_req[] = { 0x05, 0, 0, 0, 0x14, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0x06, 0, 0x2f, 0x2f, 0x64, 0x69, 0x72, 0x32,
	    0xe8, 0x41, 0, 0 };
	static const uint8_t utime_req[] = { 0x0e, 0, 0, 0, 0x2d, 0, 0, 0,
	    0x0b, 0, 0x2f, 0x2f, 0x64, 0x69, 0x72, 0x31, 0x2f, 0x6e, 0x65, 0x77,
	    0x00, 0xe8, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xd0, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t xattr_req[] = { 0x11, 0, 0, 0, 0x18, 0, 0, 0,
	    0, 0, 0, 0, 0x08, 0, 0x2f, 0x2f, 0x66, 0x69, 0x6c, 0x65, 0x31, 0x00,
	    0x08, 0, 0x75, 0x73, 0x65, 0x72, 0x2e, 0x66, 0x6f, 0x6f };
	static const uint8_t rl_req[] = { 0x09, 0, 0, 0, 0x0e, 0, 0, 0,
	    0x08, 0, 0x2f, 0x2f, 0x6c, 0x69, 0x6e, 0x6b, 0x31, 0x00,
	    0x00, 0x10, 0, 0 };
	int n;

	is_int(proxy_decode_req(PROXY_T_OPEN, open_req + 8, 14, &rq), 0,
	    "6.3 T_OPEN decodes");
	ok(strcmp(rq.path, "//file1") == 0 && rq.flags == 0,
	    "6.3 T_OPEN //file1 O_RDONLY");
	is_int(proxy_decode_req(PROXY_T_CREATE, create_req + 8, 0x1c, &rq), 0,
	    "6.3 T_CREATE decodes");
	ok(strcmp(rq.path, "//dir1/new") == 0 && rq.flags == 0xc1 &&
	    rq.mode == 0640 && rq.uid == 0 && rq.gid == 0,
	    "6.3 T_CREATE fields (path without NUL)");
	n = proxy_encode_req(&rq, buf, sizeof(buf));
	MEM_EQ(buf, (size_t)n, create_req, "6.3 T_CREATE re-encodes exactly");
	is_int(proxy_decode_req(PROXY_T_MKDIR, mkdir_req + 8, 0x14, &rq), 0,
	    "6.3 T_MKDIR decodes");
	ok(strcmp(rq.path, "//dir2") == 0 && rq.mode == 040750,
	    "6.3 T_MKDIR //dir2 040750");
	n = proxy_encode_req(&rq, buf, sizeof(buf));
	MEM_EQ(buf, (size_t)n, mkdir_req, "6.3 T_MKDIR re-encodes exactly");
	is_int(proxy_decode_req(PROXY_T_UTIME, utime_req + 8, 0x2d, &rq), 0,
	    "6.3 T_UTIME decodes");
	ok(strcmp(rq.path, "//dir1/new") == 0 && rq.times[0] == 1000 &&
	    rq.times[1] == 0 && rq.times[2] == 2000 && rq.times[3] == 0,
	    "6.3 T_UTIME a=1000 m=2000");
	is_int(proxy_decode_req(PROXY_T_LGETXATTR, xattr_req + 8, 0x18, &rq),
	    0, "6.3 T_LGETXATTR decodes");
	ok(rq.size == 0 && strcmp(rq.path, "//file1") == 0 &&
	    strcmp(rq.name, "user.foo") == 0, "6.3 T_LGETXATTR fields");
	is_int(proxy_decode_req(PROXY_T_READLINK, rl_req + 8, 0x0e, &rq), 0,
	    "6.3 T_READLINK decodes");
	ok(strcmp(rq.path, "//link1") == 0 && rq.size == 4096,
	    "6.3 T_READLINK //link1 4096");
}

static void
golden_replies(void)
{
	static const uint8_t enoent[] = { 1, 0, 0, 0, 4, 0, 0, 0,
	    0xfe, 0xff, 0xff, 0xff };
	static const uint8_t mkdir_ok[] = { 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t enobufs[] = { 1, 0, 0, 0, 4, 0, 0, 0,
	    0x97, 0xff, 0xff, 0xff };
	static const uint8_t xlen[] = { 0, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0 };
	static const uint8_t xval[] = { 0, 0, 0, 0, 5, 0, 0, 0, 3, 0,
	    0x62, 0x61, 0x72 };
	static const uint8_t rl[] = { 0, 0, 0, 0, 7, 0, 0, 0, 5, 0,
	    0x66, 0x69, 0x6c, 0x65, 0x31 };
	static const uint8_t ver[] = { 0, 0, 0, 0, 8, 0, 0, 0,
	    0x6c, 0xa2, 0xa9, 0xde, 0x30, 0x30, 0x2c, 0x30 };
	struct statfs sfs;
	struct proxy_reply rp;
	int n;

	n = (int)proxy_encode_status(buf, -ENOENT);
	MEM_EQ(buf, (size_t)n, enoent, "6.3 T_ERROR -ENOENT");
	n = (int)proxy_encode_status(buf, 0);
	MEM_EQ(buf, (size_t)n, mkdir_ok, "6.3 T_MKDIR success status");
	n = (int)proxy_encode_status(buf, -ENOBUFS);
	MEM_EQ(buf, (size_t)n, enobufs, "ENOBUFS status (short payload)");
	n = (int)proxy_encode_status(buf, 3);
	MEM_EQ(buf, (size_t)n, xlen, "6.3 size-0 xattr: status carries 3");
	n = proxy_encode_str(buf, sizeof(buf), "bar", 3);
	MEM_EQ(buf, (size_t)n, xval, "6.3 xattr value \"bar\"");
	n = proxy_encode_str(buf, sizeof(buf), "file1", 5);
	MEM_EQ(buf, (size_t)n, rl, "6.3 readlink reply \"file1\"");
	n = (int)proxy_encode_u64(buf, 0x302c3030dea9a26cULL);
	MEM_EQ(buf, (size_t)n, ver, "6.3 getversion reply layout");
	is_int(proxy_encode_str(buf, sizeof(buf), buf, PROXY_MAX_IO - 1),
	    -ENOBUFS, "a string reply over 64 KiB is refused");

	memset(&sfs, 0, sizeof(sfs));
	sfs.f_type = 0xef53;
	sfs.f_fsid.__val[0] = 0x09ea60a6;
	sfs.f_fsid.__val[1] = (int)0xa656d41c;
	n = (int)proxy_encode_statfs(buf, &sfs);
	is_int(n, 96, "statfs reply is 8 + 88 bytes");
	static const uint8_t fsid1[] = { 0x1c, 0xd4, 0x56, 0xa6,
	    0xff, 0xff, 0xff, 0xff };
	MEM_EQ(buf + 8 + 64, 8, fsid1, "fsid[1] sign-extended like QEMU's helper");
	is_int(proxy_decode_reply(PROXY_T_STATFS, 0, buf + 8, 88, 0, &rp), 0,
	    "statfs reply decodes");
	ok(rp.sfs.f_type == 0xef53 && rp.sfs.f_fsid.__val[1] == (int)0xa656d41c,
	    "statfs fields round trip");
	is_int(proxy_decode_reply(PROXY_T_MKDIR, 0, mkdir_ok + 8, 8, 0, &rp),
	    -ENOBUFS, "a status reply whose size is not 4 is refused");
}

/* Fill a request with distinct values in every field its layout has. */
static void
fill_all(uint32_t type, struct proxy_req *r)
{
	static const char v[] = { 'v', 0, 'w', 1, 2 };

	memset(r, 0, offsetof(struct proxy_req, strbuf));
	r->type = type;
	r->uid = 1000; r->gid = -1; r->flags = 0x161800; r->mode = 0100644;
	r->size = 4096; r->rdev = 0x103; r->length = 1ULL << 40;
	r->times[0] = 1; r->times[1] = 2; r->times[2] = 3; r->times[3] = 4;
	r->path = "//dir/a"; r->path_len = 7;
	r->path2 = "//dir/b"; r->path2_len = 7;	/* without */
	r->name = "user.x"; r->name_len = 6;
	r->value = (const uint8_t *)v; r->value_len = sizeof(v);
}

/* decode(encode(x)) re-encodes to the same bytes: every field of every
 * layout survives, in order. */
static int
reencodes(const uint8_t *orig, int n)
{
	static uint8_t again[PROXY_BUF_SIZE];
	int m = proxy_encode_req(&rq, again, sizeof(again));

	return m == n && memcmp(again, orig, (size_t)n) == 0;
}

static void
round_trips_and_truncations(void)
{
	uint32_t t;
	int n, m, bad;

	for (t = PROXY_T_OPEN; t < PROXY_T_COUNT; t++) {
		fill_all(t, &rq2);
		n = proxy_encode_req(&rq2, buf, sizeof(buf));
		ok(n > 8, "%s encodes (%d bytes)", proxy_type_name(t), n);
		is_int(proxy_decode_req(t, buf + 8, (size_t)n - 8, &rq), 0,
		    "%s decodes", proxy_type_name(t));
		ok(reencodes(buf, n), "%s round trips", proxy_type_name(t));
		/* Every strict prefix must be refused with ENOBUFS. */
		bad = 0;
		for (m = 0; m < n - 8; m++)
			if (proxy_decode_req(t, buf + 8, (size_t)m, &rq) !=
			    -ENOBUFS)
				bad++;
		is_int(bad, 0, "%s: all %d truncations give ENOBUFS",
		    proxy_type_name(t), n - 8);
		/* Trailing bytes are ignored, as QEMU's helper does. */
		is_int(proxy_decode_req(t, buf + 8, (size_t)n - 8 + 16, &rq), 0,
		    "%s: trailing bytes ignored", proxy_type_name(t));
	}
}

static void
malformed(void)
{
	static const uint8_t liar[] = { 0xff, 0xff, '/', 0 };	/* len 65535 */
	static const uint8_t embedded[] = { 5, 0, 'a', 'b', 0, 'c', 'd' };
	uint8_t *big;
	int i, r, weird = 0;

	is_int(proxy_decode_req(PROXY_T_LSTAT, liar, sizeof(liar), &rq),
	    -ENOBUFS, "string length past the payload gives ENOBUFS");
	is_int(proxy_decode_req(PROXY_T_LSTAT, embedded, sizeof(embedded), &rq),
	    0, "embedded NUL decodes");
	ok(strcmp(rq.path, "ab") == 0, "string is cut at its first NUL");
	is_int(proxy_decode_req(0, liar, 4, &rq), -EBADMSG,
	    "T_SUCCESS is not a request");
	is_int(proxy_decode_req(1, liar, 4, &rq), -EBADMSG,
	    "T_ERROR is not a request");
	is_int(proxy_decode_req(PROXY_T_COUNT, liar, 4, &rq), -EBADMSG,
	    "type 22 is not a request");
	is_int(proxy_decode_req(0xffffffffu, liar, 4, &rq), -EBADMSG,
	    "type 0xffffffff is not a request");
	big = calloc(1, PROXY_MAX_IO + 2);
	is_int(proxy_decode_req(PROXY_T_LSTAT, big, PROXY_MAX_IO + 1, &rq),
	    -ENOBUFS, "a payload over 64 KiB is refused");
	/* The largest legal message: one 65534-byte string fills 65536. */
	big[0] = 0xfe; big[1] = 0xff;
	memset(big + 2, 'a', 65534);
	is_int(proxy_decode_req(PROXY_T_LSTAT, big, PROXY_MAX_IO, &rq), 0,
	    "a 65536-byte payload is accepted");
	is_int((int)rq.path_len, 65534, "and its string is whole");
	srandom(7);
	for (i = 0; i < 20000; i++) {
		size_t len = (size_t)random() % 64;
		uint32_t t = PROXY_T_OPEN + (uint32_t)random() % 20;
		for (size_t j = 0; j < len; j++)
			big[j] = (uint8_t)(random() % 4 == 0 ? 0 : random());
		r = proxy_decode_req(t, big, len, &rq);
		if (r != 0 && r != -ENOBUFS)
			weird++;
	}
	is_int(weird, 0, "20000 random payloads: only 0 or ENOBUFS");
	free(big);
}

static void
fd_replies(void)
{
	int sv[2], fd, got = -1, r;
	uint8_t word[8];
	ssize_t n;

	ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	fd = open("/dev/null", O_RDONLY);
	is_int(proxy_send_fd_reply(sv[0], fd), 0, "fd reply sent");
	r = proxy_recv_fd_reply(sv[1], &got);
	ok(r == 0 && got >= 0 && got != fd, "fd reply carries a new fd");
	close(got);
	is_int(proxy_send_fd_reply(sv[0], -ENXIO), 0, "error fd reply sent");
	n = recv(sv[1], word, sizeof(word), MSG_DONTWAIT);
	static const uint8_t enxio[] = { 0xfa, 0xff, 0xff, 0xff };
	MEM_EQ(word, n < 0 ? 0 : (size_t)n, enxio,
	    "6.3 ENXIO fd reply is 4 bytes, no header");
	is_int(proxy_send_fd_reply(sv[0], -ENOENT), 0, "error reply again");
	is_int(proxy_recv_fd_reply(sv[1], &got), -ENOENT,
	    "client reads the errno back");
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

/* The server's buffered reader: requests back to back in one write, one
 * split byte by byte, one bigger than the read buffer, an oversized size
 * refused before its payload, and EOF inside a message. */
static void
reader(void)
{
	static struct proxy_reader rd;
	static uint8_t in[PROXY_BUF_SIZE], out[3 * PROXY_BUF_SIZE];
	uint32_t type, size;
	size_t n = 0, big = sizeof(rd.buf) + 1000;
	int sv[2], r;

	ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "reader socketpair");
	/* Two small requests and one large one, in one write. */
	proxy_put_hdr(out + n, 3, 5); memcpy(out + n + 8, "aaaaa", 5); n += 13;
	proxy_put_hdr(out + n, 4, 0); n += 8;
	proxy_put_hdr(out + n, 5, (uint32_t)big);
	memset(out + n + 8, 'z', big); n += 8 + big;
	ok(write(sv[0], out, n) == (ssize_t)n, "three requests written at once");
	r = proxy_reader_msg(&rd, sv[1], in, sizeof(in), &type, &size);
	ok(r == 0 && type == 3 && size == 5 && memcmp(in + 8, "aaaaa", 5) == 0,
	    "first request whole");
	r = proxy_reader_msg(&rd, sv[1], in, sizeof(in), &type, &size);
	ok(r == 0 && type == 4 && size == 0, "empty second request");
	memset(in, 0, sizeof(in));
	r = proxy_reader_msg(&rd, sv[1], in, sizeof(in), &type, &size);
	ok(r == 0 && type == 5 && size == big && in[8] == 'z' &&
	    in[8 + big - 1] == 'z' && in[8 + big] == 0,
	    "request larger than the read buffer whole");
	/* One request trickled in byte by byte from another process. */
	proxy_put_hdr(out, 6, 4);
	memcpy(out + 8, "wxyz", 4);
	if (fork() == 0) {
		for (int i = 0; i < 12; i++) {
			if (write(sv[0], out + i, 1) != 1)
				_exit(1);
			usleep(1000);
		}
		_exit(0);
	}
	r = proxy_reader_msg(&rd, sv[1], in, sizeof(in), &type, &size);
	ok(r == 0 && type == 6 && size == 4 && memcmp(in + 8, "wxyz", 4) == 0,
	    "request split into 12 writes reassembled");
	/* A size over the limit: refused before the payload is read. */
	proxy_put_hdr(out, 7, PROXY_MAX_IO + 1);
	memcpy(out + 8, "tail", 4);
	ok(write(sv[0], out, 12) == 12, "oversized request written");
	is_int(proxy_reader_msg(&rd, sv[1], in, sizeof(in), &type, &size),
	    -EMSGSIZE, "oversized size refused");
	/* EOF in the middle of a header (the stream is past trusting after
	 * EMSGSIZE; the server closes, so start the buffer afresh). */
	rd.off = rd.len = 0;
	ok(write(sv[0], out, 3) == 3, "three bytes of a header");
	close(sv[0]);
	is_int(proxy_reader_msg(&rd, sv[1], in, sizeof(in), &type, &size),
	    -ECONNRESET, "EOF inside a message is ECONNRESET");
	close(sv[1]);
}

int
main(void)
{
	golden_stat_root();
	golden_stat_file();
	golden_requests();
	golden_replies();
	round_trips_and_truncations();
	malformed();
	fd_replies();
	reader();
	return tap_done();
}
