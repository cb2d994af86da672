/* fuzz_proxy_codec.c - libFuzzer target: QEMU's proxy protocol decoder
 * (helper/proxy_codec.c), the code that reads what QEMU sends.
 *
 * Input: u32 request type (LE), then the payload as it follows the header
 * on the wire.  Every type is decoded; a request that decodes is encoded
 * again and must decode to the same strings (the codec's round trip), and
 * the reply decoder is fed the same bytes as a reply to that type. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helper/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
round_trip(const struct proxy_req *rq)
{
	static uint8_t buf[PROXY_BUF_SIZE + 16];
	static struct proxy_req again;
	uint32_t type, len;
	int n = proxy_encode_req(rq, buf, sizeof(buf));

	if (n < PROXY_HDR_SIZE)
		return;
	proxy_get_hdr(buf, &type, &len);
	if (type != rq->type || len != (uint32_t)n - PROXY_HDR_SIZE)
		abort();
	if (proxy_decode_req(type, buf + PROXY_HDR_SIZE, len, &again) < 0)
		abort();
	if ((rq->path == NULL) != (again.path == NULL) ||
	    (rq->path && strcmp(rq->path, again.path) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proxy_req rq;
	struct proxy_reply rp;
	uint32_t type;

	if (size < 4 || size - 4 > PROXY_MAX_IO)
		return 0;
	memcpy(&type, data, 4);
	type %= PROXY_T_COUNT + 2;	/* a few unknown types too */
	proxy_class_of(type);
	proxy_type_name(type);
	if (proxy_decode_req(type, data + 4, size - 4, &rq) == 0)
		round_trip(&rq);
	if (proxy_is_request(type)) {
		memset(&rp, 0, sizeof(rp));
		proxy_decode_reply(type, (int32_t)(size & 0xffff), data + 4,
		    size - 4, data[4 % size] & 1 ? PROXY_T_ERROR :
		    PROXY_T_SUCCESS, &rp);
	}
	return 0;
}
