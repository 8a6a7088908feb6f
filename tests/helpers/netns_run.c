/* Test driver for netns/: boots a pretend vnode's network and runs a command in it.
 *   netns_run -n NAME [-N private|host|none] [-b BRIDGES-ENTRY]... [-a ADDRS-ENTRY]...
 *             [-g GATEWAY] [-p PIDFILE] [-r REPEAT] [-c] -- CMD [ARG]...
 * The parent (the "monitor", host netns) calls vn_check and vn_setup_host; the child, cloned
 * with CLONE_NEWNET|CLONE_NEWUTS, waits for it on a pipe, calls vn_setup_inside and execs
 * CMD. -c only parses and checks. -r runs the boot-command-halt cycle REPEAT times back to
 * back, stopping at the first failure. -p writes the child's pid once the network is up.
 * Exit: CMD's status (128+signal), 1 setup failed, 2 usage or configuration error. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vnet.h"

struct child_arg {
	const struct vn_config *c;
	int go_fd, go_wfd;
	char **argv;
};

static char child_stack[256 * 1024] __attribute__((aligned(16)));

static int child_main(void *p)
{
	struct child_arg *a = p;
	char err[256], go = 0;

	close(a->go_wfd); /* else EOF never comes */
	/* EOF instead of 'g' means the parent failed and is cleaning up. */
	if (read(a->go_fd, &go, 1) != 1 || go != 'g')
		_exit(1);
	close(a->go_fd);
	if (vn_setup_inside(a->c, err, sizeof(err)) < 0) {
		fprintf(stderr, "netns_run: %s\n", err);
		_exit(1);
	}
	execvp(a->argv[0], a->argv);
	fprintf(stderr, "netns_run: exec %s: %s\n", a->argv[0], strerror(errno));
	_exit(127);
}

static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int boot_once(const struct vn_config *c, const char *pidfile, char **argv)
{
	char err[256];
	int pfd[2], flags = SIGCHLD, rc;
	struct child_arg a;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		perror("netns_run: pipe2");
		return 1;
	}
	a = (struct child_arg){ c, pfd[0], pfd[1], argv };
	if (c->mode != VN_HOST)
		flags |= CLONE_NEWNET | CLONE_NEWUTS;
	pid = clone(child_main, child_stack + sizeof(child_stack), flags, &a);
	if (pid < 0) {
		perror("netns_run: clone");
		close(pfd[0]);
		close(pfd[1]);
		return 1;
	}
	close(pfd[0]);
	if (vn_setup_host(c, pid, err, sizeof(err)) < 0) {
		fprintf(stderr, "netns_run: %s\n", err);
		close(pfd[1]);
		wait_status(pid);
		return 1;
	}
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) != 0) {
			perror("netns_run: pidfile");
			kill(pid, SIGKILL);
		}
	}
	if (write(pfd[1], "g", 1) != 1)
		perror("netns_run: write go");
	close(pfd[1]);
	rc = wait_status(pid);
	if (vn_teardown(c, err, sizeof(err)) < 0) {
		fprintf(stderr, "netns_run: %s\n", err);
		if (rc == 0)
			rc = 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *name = NULL, *network = NULL, *gw = NULL, *pidfile = NULL;
	const char *bridges[VN_MAX_CABLES + 8], *addrs[VN_MAX_ADDRS + 8];
	unsigned nb = 0, na = 0, repeat = 1;
	bool check_only = false;
	static struct vn_config c;
	char err[256];
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "+n:N:b:a:g:p:r:c")) != -1) {
		switch (opt) {
		case 'n': name = optarg; break;
		case 'N': network = optarg; break;
		case 'b':
			if (nb == sizeof(bridges) / sizeof(bridges[0]))
				goto usage;
			bridges[nb++] = optarg;
			break;
		case 'a':
			if (na == sizeof(addrs) / sizeof(addrs[0]))
				goto usage;
			addrs[na++] = optarg;
			break;
		case 'g': gw = optarg; break;
		case 'p': pidfile = optarg; break;
		case 'r': repeat = (unsigned)atoi(optarg); break;
		case 'c': check_only = true; break;
		default: goto usage;
		}
	}
	if (!name || (!check_only && optind >= argc))
		goto usage;
	if (vn_config_init(&c, name, network, bridges, nb, addrs, na, gw, err, sizeof(err)) < 0) {
		fprintf(stderr, "netns_run: %s\n", err);
		return 2;
	}
	if (vn_check(&c, err, sizeof(err)) < 0) {
		fprintf(stderr, "netns_run: %s\n", err);
		return 1;
	}
	if (check_only)
		return 0;
	for (unsigned i = 0; i < repeat && rc == 0; i++) {
		rc = boot_once(&c, pidfile, argv + optind);
		if (rc)
			fprintf(stderr, "netns_run: cycle %u of %u failed (status %d)\n", i + 1, repeat, rc);
	}
	return rc;
usage:
	fprintf(stderr, "usage: netns_run -n NAME [-N MODE] [-b BR:MAC]... [-a IF:ADDR/LEN]... "
			"[-g GW] [-p PIDFILE] [-r N] [-c] -- CMD...\n");
	return 2;
}
