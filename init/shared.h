/* What vinit and the vnode launcher (hostside/) agree on; included by both. */
#ifndef VINIT_SHARED_H
#define VINIT_SHARED_H

#include <signal.h>

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
