/* boot-all, halt-all, kill-all: one verb for every vnode under VNODE_HOME, at most
 * `jobs` at once. A slot frees when its command returns, and `vnode boot` returns when
 * the vnode is up: the throttle follows readiness, not a fixed delay. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vnode.h"

static int run_one(enum verb verb, const char *name)
{
	return verb == VERB_BOOT ? cmd_boot(name, false, false) : cmd_stop(name, verb);
}

/* Forks the command for one name; 0, or -1 (said) when the fork failed. */
static int start_one(enum verb verb, const char *name)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(run_one(verb, name));
	if (pid > 0)
		return 0;
	errorf("%s: fork: %s", name, strerror(errno));
	return -1;
}

int cmd_all(enum verb verb, unsigned jobs)
{
	static char names[MAX_VNODES][VNODE_NAME_MAX + 1];
	char err[PATH_MAX + 128];
	int n = vnode_list(names, MAX_VNODES, err, sizeof(err)), failed = 0, next = 0, running = 0;
	int status;
	if (n < 0)
		return exit_with(EXIT_FAILED, err);
	while (next < n || running > 0) {
		for (; next < n && running < (int)jobs; next++)
			if (start_one(verb, names[next]) < 0)
				failed++;
			else
				running++;
		if (running == 0)
			break;
		if (wait(&status) > 0) {
			running--;
			failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		} else if (errno != EINTR) {
			errorf("wait: %s", strerror(errno));
			return EXIT_FAILED;
		}
	}
	if (failed)
		errorf("%d of %d vnodes failed", failed, n);
	return failed ? EXIT_FAILED : EXIT_OK;
}
