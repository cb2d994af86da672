/* seccomp_list.h - the one helper both processes' filters share. */
#ifndef VFSD_SECCOMP_LIST_H
#define VFSD_SECCOMP_LIST_H

#include <stddef.h>

#include <seccomp.h>

/* seccomp_list.c: allow every syscall of sys[0..n) without conditions;
 * 0 or the libseccomp error (-errno). */
int seccomp_allow_list(scmp_filter_ctx f, const int *sys, size_t n);
/* A filter that kills the process for anything not allowed, including
 * any syscall made with another architecture's numbers (x32, i386 would
 * otherwise bypass the list), allowing sys[0..n).  0 or -errno. */
int seccomp_list_new(const int *sys, size_t n, scmp_filter_ctx *out);

#endif
