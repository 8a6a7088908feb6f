/* The one shutdown every stop request leads to: the shutdown script (bounded),
 * TERM+CONT to everyone, reap until nobody is left or the grace ends, KILL the
 * rest, sync, and end so that the parent can tell how. Each step moves on the
 * moment its condition holds: the loop calls in when a child is reaped, when the
 * last process is gone, or when a deadline passes; nothing sleeps. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "state.h"

static void start_kill(struct vinit *v)
{
	v->phase = PH_STOP_KILL;
	v->deadline = -1;
	vlog("grace of %u ms over: sending KILL", v->grace_ms);
	signal_everyone(v->pid1, SIGKILL);
}

static void start_term(struct vinit *v)
{
	v->phase = PH_STOP_TERM;
	v->deadline = now_us() + v->grace_ms * 1000LL;
	signal_everyone(v->pid1, SIGTERM);
	signal_everyone(v->pid1, SIGCONT);
	if (v->grace_ms == 0)
		start_kill(v);
}

void stop_request(struct vinit *v, enum action a, const char *why)
{
	if (v->phase != PH_RUNNING) {
		vlog("%s: already stopping (%s)", why, action_name(v->ending));
		return;
	}
	v->ending = a;
	v->t_request = now_us();
	fmt(v->reason, sizeof(v->reason), "%s", why);
	vlog("%s: %s", why, a == ACT_NONE ? "stopping the rest" : action_name(a));
	v->stop_rc_pid = rc_start_shutdown(v);
	if (v->stop_rc_pid) {
		v->phase = PH_STOP_RC;
		v->deadline = v->t_request + v->o.rc_timeout_ms * 1000LL;
	} else {
		start_term(v);
	}
}

void stop_on_deadline(struct vinit *v)
{
	if (v->deadline < 0 || now_us() < v->deadline)
		return;
	if (v->phase == PH_STOP_RC) {
		vlog("shutdown script still running after %u ms: going on", v->o.rc_timeout_ms);
		start_term(v);
	} else if (v->phase == PH_STOP_TERM) {
		start_kill(v);
	}
}

void stop_on_reaped(struct vinit *v, pid_t pid, int status)
{
	if (v->phase == PH_STOP_RC && pid == v->stop_rc_pid) {
		if (status != 0)
			vlog("shutdown script ended with status %d", exit_status_of(status));
		start_term(v);
	} else if (v->phase == PH_STOP_KILL) {
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			v->nkilled++;
		/* Orphans re-parented to a subreaper since the last KILL need theirs. */
		if (!v->pid1)
			signal_everyone(false, SIGKILL);
	}
}

void stop_finish(struct vinit *v)
{
	if (v->machine)
		sync();
	vlog("%s done in %lld ms (%s%u killed after the %u ms grace)",
	     v->ending == ACT_NONE ? "stop" : action_name(v->ending), (now_us() - v->t_request) / 1000,
	     v->phase == PH_STOP_RC ? "no TERM needed, " : "", v->nkilled, v->grace_ms);
	if (v->o.cmd)
		_exit(exit_status_of(v->main_status));
	if (v->pid1) {
		reboot_system(ending_reboot_cmd(v->ending));
		/* Refused (no CAP_SYS_BOOT, as in Docker): say it with the exit status. */
		vlog("reboot(2) refused (%s): exiting with status %d", strerror(errno),
		     ending_exit_status(v->ending));
	}
	_exit(ending_exit_status(v->ending));
}
