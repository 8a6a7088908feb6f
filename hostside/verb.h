/* The verbs a vnode answers to: one vocabulary for the command line, `vnode halt|kill|
 * reboot` (stop.c), the handoff's --verb and the watcher (hostside/monitor/). */
#ifndef VNODE_VERB_H
#define VNODE_VERB_H

enum verb { VERB_BOOT, VERB_HALT, VERB_KILL, VERB_REBOOT, NVERBS };

struct verb_info {
	const char *name;  /* on the command line, in --verb= and in messages */
	int monitor_sig;   /* what `vnode VERB` sends the monitor (Emulab's vnodesetup contract) */
	int init_sig;      /* what the monitor then sends the init (vinit's contract) */
	const char *phase; /* NAME.state's phase while it is under way */
	const char *hook;  /* the HOOK event as it starts, or NULL */
	const char *done;  /* what `vnode VERB` says once it is done */
};

extern const struct verb_info verbs[NVERBS];

/* The verb named name, or -1. */
int verb_by_name(const char *name);
/* What a signal to the monitor asks for, or -1: a verb's monitor_sig, and SIGHUP and
 * SIGINT for a halt too. */
int verb_of_signal(int sig);

#endif
