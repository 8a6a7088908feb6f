/* sysvinit's /run/initctl protocol: a stream decoder, pure and unit-tested. */
#ifndef INITCTL_H
#define INITCTL_H

#include "vinit.h"

#define INITCTL_MAGIC 0x03091969
#define INITCTL_SIZE 384           /* 4 ints and 368 bytes of data */
#define INITCTL_DATA_SIZE 368
#define INITCTL_CMD_RUNLVL 1
#define INITCTL_CMD_SETENV 6
#define INITCTL_CMD_UNSETENV 7

enum initctl_kind {
	ICTL_RUNLEVEL,  /* action is set, or ACT_NONE for a runlevel we ignore */
	ICTL_SETENV,    /* INIT_HALT remembered for the next runlevel 0 */
	ICTL_OTHER,     /* a valid request we do not act on */
	ICTL_INVALID,   /* bytes that are no request: poweroff, as subhost-init did */
};

struct initctl_event {
	enum initctl_kind kind;
	enum action action;
	int cmd;
	int runlevel;
	int sleeptime;  /* seconds, > 0 when the request carried one */
};

struct initctl {
	unsigned char buf[INITCTL_SIZE];
	size_t fill;
	enum action halt_env;  /* from INIT_HALT=HALT|POWEROFF */
};

void initctl_init(struct initctl *d);
/* Consumes the bytes of one read; writes at most max events; returns how many. */
unsigned initctl_feed(struct initctl *d, const void *data, size_t len,
		      struct initctl_event *ev, unsigned max);

#endif
