/* mount_boot: boot a command in a vnode root built by vm_build_root.
 *   mount_boot --dir DIR [--name N] [--base B] [--disk node:part:img]...
 *              [--bind src:dst[:ro]]... [--check] [--pidfile F] -- CMD ARGS...
 * Clones a child with new mount, pid, uts and ipc namespaces; the child builds
 * the root and execs CMD. --check runs vm_resolve (vm_check, keeping the probes) first. Exit: CMD's status,
 * 128+signal, or 2 with the one-line error when the config or the build fails.
 * --remove-state: run vm_remove_state for the config instead (no CMD needed). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmount.h"

static struct vm_config cfg;

static int usage(void)
{
	fprintf(stderr, "usage: mount_boot --dir DIR [--name N] [--base B] [--disk D]... "
			"[--bind B]... [--check] [--pidfile F] -- CMD...\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	char err[1024];
	int check = 0, remove = 0, i, sync[2], status;

	cfg.name = "vn";
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--check")) {
			check = 1;
			continue;
		}
		if (!strcmp(a, "--remove-state")) {
			remove = 1;
			continue;
		}
		if (!v)
			return usage();
		i++;
		if (!strcmp(a, "--dir"))
			cfg.dir = v;
		else if (!strcmp(a, "--name"))
			cfg.name = v;
		else if (!strcmp(a, "--base"))
			cfg.base = v;
		else if (!strcmp(a, "--pidfile"))
			pidfile = v;
		else if (!strcmp(a, "--disk")) {
			if (cfg.ndisks >= VM_MAX_DISKS ||
			    vm_parse_disk(v, &cfg.disks[cfg.ndisks++], err, sizeof(err)) < 0)
				goto bad;
		} else if (!strcmp(a, "--bind")) {
			if (cfg.nbinds >= VM_MAX_BINDS ||
			    vm_parse_bind(v, &cfg.binds[cfg.nbinds++], err, sizeof(err)) < 0)
				goto bad;
		} else
			return usage();
	}
	if (remove && cfg.dir) {
		if (vm_remove_state(&cfg, err, sizeof(err)) < 0)
			goto bad;
		return 0;
	}
	if (i + 1 >= argc || !cfg.dir)
		return usage();
	char **cmd = argv + i + 1;
	if (check && vm_resolve(&cfg, err, sizeof(err)) < 0)
		goto bad;
	if (pipe2(sync, O_CLOEXEC) < 0)
		return perror("pipe"), 1;
	/* fork semantics (no new stack): safe in this single-threaded program */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
						     CLONE_NEWIPC | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		return perror("clone"), 1;
	if (pid == 0) {
		char c;
		close(sync[1]);
		/* wait until the parent has written the pidfile */
		if (read(sync[0], &c, 1) < 0)
			_exit(1);
		close(sync[0]);
		struct vm_held held;
		if (vm_build_root(&cfg, &held, err, sizeof(err)) < 0) {
			fprintf(stderr, "mount_boot: %s: %s\n", cfg.name, err);
			_exit(2);
		}
		if (held.note[0])
			fprintf(stderr, "mount_boot: %s: %s\n", cfg.name, held.note);
		/* CMD holds the disks beyond the root, as a vnode's init does */
		for (unsigned k = 0; k < held.n; k++)
			if (fcntl(held.fd[k], F_SETFD, 0) < 0)
				_exit(2);
		execvp(cmd[0], cmd);
		fprintf(stderr, "mount_boot: exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(sync[0]);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (!f || fprintf(f, "%d\n", pid) < 0 || fclose(f) != 0)
			return perror(pidfile), 1;
	}
	close(sync[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return perror("waitpid"), 1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
bad:
	fprintf(stderr, "mount_boot: %s: %s\n", cfg.name, err);
	return 2;
}
