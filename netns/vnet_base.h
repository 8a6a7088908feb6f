/* Internal to netns/, the part that needs no netlink: error formatting and the
 * /run/netns names. Kept apart so the static musl monitor (hostside/monitor/) can
 * build nsname.c, err.c and teardown.c without libmnl. */
#ifndef VNET_BASE_H
#define VNET_BASE_H

#include "vnet.h"

/* Writes the formatted one-line message into err and returns -e, as mount/'s vm_fail:
 * e is a positive errno. */
__attribute__((format(printf, 4, 5))) int vn_err(char *err, size_t errlen, int e, const char *fmt,
						 ...);

int vn_nsname_set(const char *name, pid_t pid, char *err, size_t errlen);

#endif
