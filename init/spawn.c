/* Starting rc scripts and the command-mode process. A forked child never returns
 * into vinit: it execs or _exits. It gets back a clean signal mask and default
 * dispositions, since both survive exec and PID 1 blocks or ignores many. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

extern char **environ;
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "shared.h"
#include "state.h"

bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void child_reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGTTIN, SIG_DFL);
	signal(SIGTTOU, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

/* sysv rc scripts read RUNLEVEL and PREVLEVEL, as sysvinit sets them; PATH gets a
 * default when the kernel or launcher gave none. Built on the stack: setenv would
 * pull malloc into a binary that otherwise needs none. */
static void exec_script(const char *const argv[], const char *runlevel, const char *prevlevel)
{
	char rl[16], pl[16], *envp[256];
	size_t n = 0;
	bool has_path = false;

	for (char **e = environ; *e && n < 250; e++) {
		if (!strncmp(*e, "RUNLEVEL=", 9) || !strncmp(*e, "PREVLEVEL=", 10))
			continue;
		has_path |= !strncmp(*e, "PATH=", 5);
		envp[n++] = *e;
	}
	if (!has_path)
		envp[n++] = "PATH=" VNODE_DEFAULT_PATH;
	if (runlevel && fmt(rl, sizeof(rl), "RUNLEVEL=%s", runlevel))
		envp[n++] = rl;
	if (prevlevel && fmt(pl, sizeof(pl), "PREVLEVEL=%s", prevlevel))
		envp[n++] = pl;
	envp[n] = NULL;
	execve(argv[0], (char *const *)argv, envp);
}

pid_t spawn_script(const char *const argv[], const char *runlevel, const char *prevlevel)
{
	pid_t pid = fork();
	if (pid != 0) {
		if (pid < 0)
			verr("fork for %s: %s", argv[0], strerror(errno));
		return pid;
	}
	child_reset_signals();
	if (setsid() < 0)
		verr("setsid: %s", strerror(errno));
	exec_script(argv, runlevel, prevlevel);
	verr("%s: %s", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

pid_t spawn_command(char *const argv[])
{
	pid_t pid = fork();
	if (pid != 0) {
		if (pid < 0)
			verr("fork for %s: %s", argv[0], strerror(errno));
		return pid;
	}
	/* Its own process group, in the terminal's foreground when there is one;
	 * tcsetpgrp while SIGTTOU is still ignored. ENOTTY: a terminal, but not ours to
	 * give (a machine's console before any session took it). */
	if (setpgid(0, 0) < 0)
		verr("setpgid: %s", strerror(errno));
	if (isatty(STDIN_FILENO) && tcsetpgrp(STDIN_FILENO, getpid()) < 0 && errno != ENOTTY)
		verr("tcsetpgrp: %s", strerror(errno));
	child_reset_signals();
	execvp(argv[0], argv);
	verr("%s: %s", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}
