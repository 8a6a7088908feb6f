/* What every folder agrees on: vinit (init/), the launcher (hostside/) and the
 * libraries it drives (mount/, netns/). Facts only, no code but small inlines. */
#ifndef VNODE_SHARED_H
#define VNODE_SHARED_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The one error convention: a function returns -e (e a positive errno) and leaves one
 * line naming the object in err; only a command's edge prints it. mount/'s vm_fail,
 * netns/'s vn_err and hostside/'s vnode_err are this, under their folder's prefix. */
static inline int err_vfill(char *err, size_t errlen, int e, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	return -e;
}

/* The one vnode name rule. A name becomes a path (VNODE_HOME/NAME, /run/vnode/NAME.pid,
 * /run/netns/NAME), the default hostname and the prefix of the host's veth names: so a
 * hostname-safe word of 1 to 48 letters, digits and inner '-'. */
#define VNODE_NAME_MAX 48
#define VNODE_NAME_RULE "1 to 48 letters, digits and inner '-'"

static inline bool vnode_name_valid(const char *name)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = strlen(name);
	if (n == 0 || n > VNODE_NAME_MAX || name[0] == '-' || name[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] != '-' && !strchr(alnum, name[i]))
			return false;
	return true;
}

/* The PATH an init and `vnode exec` start with. */
#define VNODE_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The longest STOP_TIMEOUT, --grace or --rc-timeout: a day. More is a typo, not a wish. */
#define VNODE_MAX_SECONDS 86400
#define VNODE_STR_(x) #x
#define VNODE_STR(x) VNODE_STR_(x)
#define VNODE_SECONDS_RANGE "0 to " VNODE_STR(VNODE_MAX_SECONDS)

/* The faults of a process itself. vinit and the vnode monitor block every other signal
 * and read it from a signalfd; these stay unblocked, so that a crash stays a crash. */
static inline void sigset_del_faults(sigset_t *set)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP };
	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(set, faults[i]);
}

#endif
