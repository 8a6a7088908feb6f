/* HOOK=/path: run with NAME and the event (booting, up, halting, down, failed),
 * the way Emulab reported state changes through tmcc. Waited for, so events
 * arrive in order; a failing hook is reported, never fatal. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runtime.h"

void hook_run(const char *hook, const char *name, const char *event)
{
	int status;
	if (!hook || !event)
		return;
	pid_t pid = fork();
	if (pid < 0) {
		errorf("%s: hook %s: fork: %s", name, hook, strerror(errno));
		return;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		if (sigprocmask(SIG_SETMASK, &none, NULL) == 0)
			execl(hook, hook, name, event, (char *)NULL);
		errorf("%s: hook %s: %s", name, hook, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errorf("%s: hook %s %s failed (status %d)", name, hook, event, status);
}
