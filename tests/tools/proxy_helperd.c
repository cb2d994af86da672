/* proxy_helperd.c - vfsd's proxy helper as its own program, for tests
 * that run before helper/main.c dispatches to proxy_cli_main(); it is
 * exactly what vfsd-helper does with a virtfs-proxy-helper command line. */
#include "helper/proxy.h"

int
main(int argc, char **argv)
{
	return proxy_cli_main(argc, argv);
}
