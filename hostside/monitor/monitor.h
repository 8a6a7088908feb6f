/* vnode-monitor: the second half of a vnode's monitor (see hostside/launch.c for the
 * first). A small static program, exec'ed in the monitor's process once the vnode is
 * up, that watches it for the rest of its life. */
#ifndef MONITOR_H
#define MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include "../handoff.h"
#include "../runtime.h"
#include "../verb.h"

/* decide.c: the watcher's decisions, pure. One state, moved only by watch_request. */
enum watch_state { WATCH_UP, WATCH_HALTING, WATCH_REBOOTING, WATCH_KILLING };

/* The state after a request (verb); the same state when the request changes nothing:
 * a kill overrides anything, a halt overrides a reboot, a reboot only starts from up. */
enum watch_state watch_request(enum watch_state s, enum verb v);
/* The verb a state carries out (WATCH_UP: VERB_BOOT, nothing asked). */
enum verb watch_verb(enum watch_state s);

/* What to do once the init has ended: resume it (boot again, or remove the writable
 * state after a kill), or end. A vnode that rebooted itself sooner than CRASH_LOOP_S
 * after it came up is backed off: 250 ms, doubling to 30 s. */
enum watch_end { END_DOWN, END_REBOOT, END_KILL };
struct watch_next { enum watch_end what; int delay_ms; };
struct watch_next watch_ended(enum watch_state s, int wstatus, long long up_for_ms,
			      int last_delay_ms);
/* How the init ended, from its wait status, for the log: "powered off", "init died (killed
 * by signal 11, Segmentation fault)", ... */
void watch_ending(int wstatus, char *buf, size_t len);
/* Whether that end is a failure: not asked for, and neither a poweroff, a reboot nor an
 * exit with status 0 (the monitor then exits 1, and the hook says "failed"). */
bool watch_failed(enum watch_state s, int wstatus);

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 30000
#define CRASH_LOOP_S 10

/* watch.c */
struct watcher {
	struct handoff h;          /* name, hook, netns name, stop timeout, fds */
	struct vnode_id id;        /* the runtime files and the log */
	struct vnode_state st;
	int sfd;                   /* signalfd of the monitor's blocked signals */
	enum watch_state state;
	long long deadline;        /* CLOCK_MONOTONIC ms of the SIGKILL after a request, or -1 */
	long long log_size;        /* of NAME.log, for LOG_MAX */
	/* relay.c: the console */
	unsigned lost[2];          /* console reads not fully copied: to the log, the operator */
	pid_t client_pid;          /* the attached operator's */
	char in[4096];             /* typed, not yet taken by the console */
	size_t in_len, in_off;
	char ring[8192];           /* the last output, shown to an operator who attaches */
	size_t ring_end;           /* bytes ever put in ring */
};

/* relay.c: the console's fds in p[RELAY_*] (-1 where there is nothing to wait for),
 * and what their events ask for. */
enum { RELAY_MASTER, RELAY_LISTEN, RELAY_CLIENT, RELAY_NFDS };
struct pollfd;
void relay_poll(const struct watcher *w, struct pollfd *p);
void relay_events(struct watcher *w, const struct pollfd *p);
/* Once the init is gone: the console's last output, and what was lost, said. */
void relay_drain(struct watcher *w);
/* The operator's last line: how the vnode ended. */
void relay_bye(struct watcher *w, const char *line);

/* Sleeps until the init ends, then ends the vnode, or execs `vnode __resume` for a
 * reboot or after a kill. Returns the monitor's exit status. */
int watch_vnode(struct watcher *w);

#endif
