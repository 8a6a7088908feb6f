/* init_nsrun: run a program as PID 1 of a new pid and mount namespace, chrooted
 * into ROOT, and report how it ended the way a container manager sees it.
 *   init_nsrun [-r ROOT] [-R FIFO] -- PROG [ARG...]
 * PROG gets the write end of a pipe as fd 3 (for vinit --ready-fd 3). When it writes
 * there, or closes it, init_nsrun writes "PID\n" (PROG's pid, as seen from here) to
 * FIFO, so a test can wait for readiness without sleeping. At the end it prints
 * "exit N" or "signal N" on stdout and exits 0. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "init_nsrun: %s: %s\n", what, strerror(errno));
	exit(111);
}

static void child(const char *root, int readyfd, char **argv)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);  /* as a launcher does: no stop is lost before vinit reads it */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("private mount namespace");
	if (root && (chroot(root) < 0 || chdir("/") < 0))
		die(root);
	if (dup2(readyfd, 3) < 0)
		die("dup2");
	execv(argv[0], argv);
	die(argv[0]);
}

int main(int argc, char **argv)
{
	const char *root = NULL, *fifo = NULL;
	int opt, pipefd[2], status;

	while ((opt = getopt(argc, argv, "r:R:")) != -1) {
		if (opt == 'r')
			root = optarg;
		else if (opt == 'R')
			fifo = optarg;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: init_nsrun [-r ROOT] [-R FIFO] -- PROG [ARG...]\n");
		return 2;
	}
	if (pipe(pipefd) < 0 || unshare(CLONE_NEWPID) < 0)
		die("pipe/unshare");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(pipefd[0]);
		child(root, pipefd[1], argv + optind);
	}
	close(pipefd[1]);
	char buf[16];
	if (read(pipefd[0], buf, sizeof(buf)) < 0)
		die("read ready pipe");
	close(pipefd[0]);
	if (fifo) {
		FILE *f = fopen(fifo, "w");
		if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) != 0)
			die(fifo);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
	else
		printf("exit %d\n", WEXITSTATUS(status));
	return 0;
}
