/* vinit's run-time state, shared by its loop, its spawner and its shutdown. */
#ifndef VINIT_STATE_H
#define VINIT_STATE_H

#include <signal.h>
#include "initctl.h"
#include "vinit.h"

/* The life of PID 1, in order; only ever moves forward. */
enum phase {
	PH_RUNNING,    /* rc runs or ran; waiting for a stop request */
	PH_STOP_RC,    /* the shutdown script runs, bounded by rc_timeout */
	PH_STOP_TERM,  /* TERM sent; waiting for everyone, bounded by the grace */
	PH_STOP_KILL,  /* KILL sent; waiting for the last exit */
};

struct vinit {
	struct opts o;
	bool pid1;             /* PID 1 of some pid namespace (or of the machine) */
	bool machine;          /* PID 1 of the initial pid namespace: sync before reboot(2) */
	int sfd;               /* signalfd */
	int ctlfd;             /* /run/initctl, or -1 */
	pid_t rc_pid;          /* the boot script stage running now */
	int rc_next;           /* next boot stage to start */
	pid_t main_pid;        /* command mode's CMD, or 0 */
	int main_status;
	bool main_done;
	pid_t stop_rc_pid;     /* the shutdown script */
	enum phase phase;
	enum action ending;
	char reason[80];       /* what asked for the stop */
	unsigned grace_ms;
	long long t_request, deadline;  /* monotonic µs; deadline < 0: none */
	int tfd;               /* timerfd armed at the deadline */
	unsigned nkilled;      /* processes that had to be KILLed */
	struct initctl ictl;
};

/* clock.c: CLOCK_MONOTONIC in µs */
long long now_us(void);

/* spawn.c */
pid_t spawn_script(const char *const argv[], const char *runlevel, const char *prevlevel);
pid_t spawn_command(char *const argv[]);
bool file_exists(const char *path);

/* rc.c */
void rc_start_next(struct vinit *v);
pid_t rc_start_shutdown(struct vinit *v);

/* shutdown.c */
void stop_request(struct vinit *v, enum action a, const char *why);
void stop_on_deadline(struct vinit *v);
void stop_on_reaped(struct vinit *v, pid_t pid, int status);
void stop_finish(struct vinit *v) __attribute__((noreturn));

/* linux_boot.c */
void boot_mount_all(void);
int initctl_open(void);

/* linux_proc.c */
int become_subreaper(void);
void signal_everyone(bool pid1, int sig);
bool machine_init(void);  /* PID 1 of the initial pid namespace: a real machine */
int reboot_system(int cmd);

#endif
