/* main.c - vfsd entry point (placeholder until the frontend lands). */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "vfsd: not built yet\n");
	return 1;
}
