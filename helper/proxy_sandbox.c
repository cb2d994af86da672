/* proxy_sandbox.c - the privileges the proxy server keeps.
 *
 * The proxy model is passthrough: objects are created with the guest's
 * owner, and every other request runs as root because QEMU sends no
 * identity with it.  So uid 0 stays, but only the capabilities those
 * operations use remain, in the effective and permitted sets, and the
 * bounding set is emptied so nothing can be regained by exec.  The core
 * switches fsuid/fsgid per request on this thread; the kernel clears the
 * file-system capabilities from the effective set while the fsuid is not
 * 0, which is what confines a guest-identity create. */
#include <errno.h>
#include <sys/prctl.h>

#include <cap-ng.h>

#include "helper/proxy.h"

/* Kept capabilities, and why each one is needed. */
static const int proxy_caps[] = {
	CAP_CHOWN,		/* T_CHOWN, and owning created objects */
	CAP_DAC_OVERRIDE,	/* act on any file in the export, as root */
	CAP_DAC_READ_SEARCH,	/* resolve paths through mode-0 dirs */
	CAP_FOWNER,		/* chmod/utimes/xattrs on others' files */
	CAP_FSETID,		/* keep setgid bits the guest asks for */
	CAP_MKNOD,		/* T_MKNOD of device nodes as guest root */
	CAP_SETUID,		/* setfsuid to the guest's uid per request */
	CAP_SETGID,		/* setfsgid and setgroups per request */
};

int
proxy_drop_privileges(void)
{
	size_t i;

	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < sizeof(proxy_caps) / sizeof(proxy_caps[0]); i++)
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    (unsigned int)proxy_caps[i]) != 0)
			return -EINVAL;
	if (capng_apply(CAPNG_SELECT_BOTH) != 0)
		return -EPERM;
	/* Nothing this process execs may gain privileges. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	return 0;
}
