/* The verb table (see verb.h). */
#include <signal.h>
#include <string.h>
#include "verb.h"

const struct verb_info verbs[NVERBS] = {
	[VERB_BOOT]   = { "boot",   0,       0,       "booting",   "booting", "up" },
	[VERB_HALT]   = { "halt",   SIGTERM, SIGTERM, "halting",   "halting", "halted" },
	[VERB_KILL]   = { "kill",   SIGUSR1, SIGKILL, "killing",   NULL,      "killed" },
	[VERB_REBOOT] = { "reboot", SIGUSR2, SIGINT,  "rebooting", NULL,      "rebooted" },
};

/* Signals that ask for a verb besides its monitor_sig: a terminal's or init's stop. */
static const struct { int sig; enum verb verb; } also[] = {
	{ SIGHUP, VERB_HALT },
	{ SIGINT, VERB_HALT },
};

int verb_by_name(const char *name)
{
	for (int v = 0; v < NVERBS; v++)
		if (name && !strcmp(name, verbs[v].name))
			return v;
	return -1;
}

int verb_of_signal(int sig)
{
	for (int v = 0; v < NVERBS; v++)
		if (verbs[v].monitor_sig && verbs[v].monitor_sig == sig)
			return v;
	for (unsigned i = 0; i < sizeof(also) / sizeof(also[0]); i++)
		if (also[i].sig == sig)
			return also[i].verb;
	return -1;
}
