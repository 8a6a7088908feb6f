/* HOOK=/path: run with NAME and the event (booting, up, halting, down, failed),
 * the way Emulab reported state changes through tmcc. Waited for, so events
 * arrive in order, but at most HOOK_TIMEOUT: a hook that hangs is killed with its
 * process group, and never holds a boot or a halt. A failing hook is reported, never
 * fatal. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runtime.h"

static void exec_hook(const struct hook *hook, const char *name, const char *event, pid_t caller)
{
	sigset_t none;
	sigemptyset(&none);
	/* its own process group, to be killed whole; and it dies with its caller */
	if (setpgid(0, 0) == 0 && prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() == caller &&
	    sigprocmask(SIG_SETMASK, &none, NULL) == 0)
		execl(hook->path, hook->path, name, event, (char *)NULL);
	errorf("%s: hook %s: %s", name, hook->path, strerror(errno));
	_exit(127);
}

void hook_run(const struct hook *hook, const char *name, const char *event)
{
	int status;
	if (!hook || !hook->path || !event)
		return;
	pid_t caller = getpid(), pid = fork();
	if (pid < 0) {
		errorf("%s: hook %s: fork: %s", name, hook->path, strerror(errno));
		return;
	}
	if (pid == 0)
		exec_hook(hook, name, event, caller);
	if (setpgid(pid, pid) < 0 && errno != EACCES)  /* EACCES: it has exec'd, so did it */
		errorf("%s: hook %s: setpgid: %s", name, hook->path, strerror(errno));
	int r = hook->timeout ? wait_pid_gone(pid, (int)(hook->timeout * 1000)) : 0;
	if (r == -ETIMEDOUT) {
		errorf("%s: hook %s %s: still running after %u s: killed", name,
		       hook->path, event, hook->timeout);
		if (kill(-pid, SIGKILL) < 0 && kill(pid, SIGKILL) < 0)
			errorf("%s: hook %s: kill: %s", name, hook->path, strerror(errno));
	} else if (r < 0) {
		errorf("%s: hook %s: pidfd: %s", name, hook->path, strerror(-r));
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		errorf("%s: hook %s %s failed (status %d)", name, hook->path, event, status);
}
