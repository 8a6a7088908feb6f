/* vinit: a small PID 1 for vnodes, jails and containers. Shared declarations. */
#ifndef VINIT_H
#define VINIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What a stop request asks for. */
enum action { ACT_NONE, ACT_POWEROFF, ACT_HALT, ACT_REBOOT };

/* Exit statuses of vinit itself (command mode exits with the command's status). */
enum {
	VINIT_EXIT_OK = 0,
	VINIT_EXIT_FAILED = 1,     /* start-up failed before the point of no return */
	VINIT_EXIT_USAGE = 2,      /* bad command line */
	VINIT_EXIT_REBOOT = 129,   /* reboot asked but reboot(2) refused: 128+SIGHUP, as the kernel reports */
};

#define VINIT_DEFAULT_GRACE_MS 5000u
#define VINIT_DEFAULT_RC_TIMEOUT_MS 10000u
#define VINIT_MAX_HOLD 16

struct opts {
	const char *rc_cmd;          /* --rc: replaces the boot scripts, run by /bin/sh -c */
	const char *rc_shutdown_cmd; /* --rc-shutdown: replaces the shutdown script */
	bool no_rc;                  /* --no-rc: run no boot or shutdown script */
	unsigned grace_ms;           /* --grace: TERM to KILL */
	unsigned rc_timeout_ms;      /* --rc-timeout: bound on the shutdown script */
	int ready_fd;                /* --ready-fd: "up\n" is written here once rc has started */
	int hold_fd[VINIT_MAX_HOLD]; /* --hold-fd: kept open for vinit's life, from no child */
	unsigned nhold;
	bool quiet;                  /* --quiet: errors only */
	bool help, version;
	char *const *cmd;            /* command mode: argv after "--", NULL otherwise */
};

/* args.c */
int parse_args(int argc, char *const argv[], struct opts *o, char *err, size_t errlen);
extern const char vinit_usage[];

/* sigtable.c: the signal-to-action map, for both sources. */
enum action signal_action(int signo, bool from_inside);
bool signal_is_handled(int signo);
const char *signal_label(int signo);

/* ending.c: how each ending is reported to whoever waits for vinit. */
const char *action_name(enum action a);
int ending_reboot_cmd(enum action a);
int ending_exit_status(enum action a);
int exit_status_of(int wstatus);

/* fmt.c: snprintf's small sibling (%s %c %d %u %ld %lld) */
#include <stdarg.h>
size_t vfmt(char *buf, size_t size, const char *f, va_list ap);
size_t fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));

/* log.c */
void vlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void verr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool vlog_quiet;

#endif
