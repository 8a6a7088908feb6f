/* vnode exec: a command inside a running vnode, in all of its init's namespaces and
 * its root, with the vnode's capability bounding set. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "shared.h"
#include "vnode.h"

/* Whether init's namespace kind is ours already (NETWORK=host, or a privileged
 * vnode's user namespace): joining it again is refused from inside a user namespace. */
static bool same_ns(pid_t init, const char *kind)
{
	char path[64];
	struct stat a, b;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init, kind);
	if (stat(path, &a) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	return stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* The cgroup namespace while still the host's root (launch.c made it), then the user
 * namespace: it owns the others. */
static int enter_namespaces(pid_t init)
{
	static const char *const ns[] = { "cgroup", "user", "ipc", "uts", "net", "pid", "mnt" };
	char path[64];
	bool skip[sizeof(ns) / sizeof(ns[0])];
	for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		skip[i] = same_ns(init, ns[i]);  /* all before the first setns */
	snprintf(path, sizeof(path), "/proc/%d/root", (int)init);
	int root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		if (skip[i])
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init, ns[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, 0) < 0) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			close(root);
			return -e;
		}
		close(fd);
	}
	int r = fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0 ? -errno : 0;
	close(root);
	return r;
}

/* In the child: the pid namespace applies to children only. */
static void __attribute__((noreturn)) run_inside(const struct vnode *v, bool userns,
						 char *const cmd[])
{
	char err[512];
	char *const sh[] = { "/bin/sh", NULL };
	char *const envp[] = { "PATH=" VNODE_DEFAULT_PATH, "HOME=/root",
			       getenv("TERM") ? "TERM=xterm" : "TERM=dumb", NULL };
	if (caps_drop_bounding(v->caps_drop, err, sizeof(err)) < 0 ||
	    seccomp_apply(err, sizeof(err)) < 0) {
		errorf("%s: %s", v->id.name, err);
		_exit(EXIT_FAILED);
	}
	if (userns && (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 ||
			       setresuid(0, 0, 0) < 0)) {
		errorf("%s: becoming root of its user namespace: %s", v->id.name, strerror(errno));
		_exit(EXIT_FAILED);
	}
	char *const *argv = cmd && cmd[0] ? cmd : sh;
	execvpe(argv[0], argv, envp);
	errorf("%s: %s: %s", v->id.name, argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int cmd_exec(const char *name, char *const cmd[])
{
	struct vnode v = { 0 };
	struct vnode_state st;
	char err[1024];
	int r, status;
	if ((r = vnode_load(&v, name, err, sizeof(err))) < 0)
		return load_failed(r, err);
	if (runtime_read(&v.id, &st, err, sizeof(err)) < 0)
		return exit_with(EXIT_FAILED, err);
	if (!st.init) {
		errorf("%s: not running", name);
		return EXIT_FAILED;
	}
	if ((r = enter_namespaces(st.init)) < 0) {
		errorf("%s: entering the namespaces of init %d: %s", name, (int)st.init, strerror(-r));
		return EXIT_FAILED;
	}
	pid_t pid = fork();
	if (pid == 0)
		run_inside(&v, st.uid != 0, cmd);  /* uid: as it was booted */
	if (pid < 0) {
		errorf("%s: fork: %s", name, strerror(errno));
		return EXIT_FAILED;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAILED;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
