/* main.c - vfsd-helper entry point (placeholder until the server lands). */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "vfsd-helper: not built yet\n");
	return 1;
}
