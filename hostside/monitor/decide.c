/* The watcher's decisions as pure functions: which request moves it where, and what
 * an init's end means. watch.c carries them out. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include "monitor.h"

enum watch_state watch_request(enum watch_state s, enum verb v)
{
	switch (v) {
	case VERB_KILL:
		return WATCH_KILLING;
	case VERB_HALT:
		return s == WATCH_UP || s == WATCH_REBOOTING ? WATCH_HALTING : s;
	case VERB_REBOOT:
		return s == WATCH_UP ? WATCH_REBOOTING : s;
	case VERB_BOOT:
	case NVERBS:
		break;
	}
	return s;
}

enum verb watch_verb(enum watch_state s)
{
	static const enum verb of[] = { [WATCH_UP] = VERB_BOOT, [WATCH_HALTING] = VERB_HALT,
					[WATCH_REBOOTING] = VERB_REBOOT, [WATCH_KILLING] = VERB_KILL };
	return of[s];
}

/* The back-off is for a vnode that reboots by itself; an operator's reboot has none. */
static int backoff(long long up_for_ms, int last_delay_ms)
{
	if (up_for_ms >= CRASH_LOOP_S * 1000)
		return 0;
	if (!last_delay_ms)
		return BACKOFF_MIN_MS;
	return last_delay_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : last_delay_ms * 2;
}

struct watch_next watch_ended(enum watch_state s, int wstatus, long long up_for_ms,
			      int last_delay_ms)
{
	/* vinit ends "killed by SIGHUP" when the vnode asked for a reboot */
	bool asked = WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGHUP;
	switch (s) {
	case WATCH_KILLING:
		return (struct watch_next){ END_KILL, 0 };
	case WATCH_HALTING:
		return (struct watch_next){ END_DOWN, 0 };
	case WATCH_REBOOTING:
		return (struct watch_next){ END_REBOOT, 0 };
	case WATCH_UP:
		break;
	}
	if (!asked)
		return (struct watch_next){ END_DOWN, 0 };
	return (struct watch_next){ END_REBOOT, backoff(up_for_ms, last_delay_ms) };
}

void watch_ending(int wstatus, char *buf, size_t len)
{
	static const struct { int sig; const char *what; } by_signal[] = {
		{ SIGINT, "powered off" }, { SIGHUP, "rebooted" }, { SIGKILL, "killed" },
	};
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		snprintf(buf, len, "init exited");
		return;
	}
	if (WIFEXITED(wstatus)) {
		snprintf(buf, len, "init exited with status %d", WEXITSTATUS(wstatus));
		return;
	}
	for (unsigned i = 0; i < sizeof(by_signal) / sizeof(by_signal[0]); i++)
		if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == by_signal[i].sig) {
			snprintf(buf, len, "%s", by_signal[i].what);
			return;
		}
	snprintf(buf, len, "init died (killed by signal %d, %s)", WTERMSIG(wstatus),
		 strsignal(WTERMSIG(wstatus)));
}

bool watch_failed(enum watch_state s, int wstatus)
{
	if (s != WATCH_UP)
		return false;  /* it ended as asked */
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus) != 0;
	return !WIFSIGNALED(wstatus) || (WTERMSIG(wstatus) != SIGINT && WTERMSIG(wstatus) != SIGHUP);
}
