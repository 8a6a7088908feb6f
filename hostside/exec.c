/* vnode exec: a command inside a running vnode, in all of its init's namespaces and
 * its root, as its root, with its bounding set and seccomp filter. What enters the
 * vnode carries nothing of the host's: the process runs from a sealed copy of this
 * binary (sealed.c) and is not dumpable until its execve, it has left the operator's
 * session, and it holds no fd above 2; with a terminal, its 0, 1 and 2 are a pty of the
 * vnode's own (pty.c). */
#include <errno.h>
#include <linux/sched.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "shared.h"
#include "vnode.h"

#define CLI_ENV_SLOTS (CLI_MAX_ENV + 4)

struct inside {
	const struct vnode *v;
	pid_t init;
	unsigned uid;          /* what its root is on the host; 0: booted privileged */
	int rootfd, slave;     /* /proc/INIT/root; the pty's slave, or -1 */
	char *const *cmd, *const *env;
	const char *workdir;
};

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

static int join(pid_t init, const char *kind)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init, kind);
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = fd < 0 || setns(fd, 0) < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	return r;
}

/* The cgroup namespace while still the host's root (launch.c made it), then the user
 * namespace: it owns the others. The pid namespace was joined for us (see cmd_exec). */
static int enter_namespaces(const struct inside *in)
{
	static const char *const ns[] = { "cgroup", "user", "ipc", "uts", "net", "mnt" };
	bool skip[sizeof(ns) / sizeof(ns[0])];
	int r;
	for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		skip[i] = same_ns(in->init, ns[i]);  /* all before the first setns */
	for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (!skip[i] && (r = join(in->init, ns[i])) < 0)
			return r;
	return fchdir(in->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0 ? -errno : 0;
}

/* Its own session, on its pty if it has one: the operator's terminal stays out of reach
 * (a tty on stdin or not: /dev/tty would be the controlling one). */
static int own_session(const struct inside *in)
{
	if (setsid() < 0)
		return -errno;
	if (in->slave < 0)
		return 0;
	if (ioctl(in->slave, TIOCSCTTY, 0) < 0 || dup2(in->slave, 0) < 0 || dup2(in->slave, 1) < 0 ||
	    dup2(in->slave, 2) < 0)
		return -errno;
	return 0;
}

/* The vnode's root: its ids, bounding set and filter, no fd of ours above 2. */
static int become_vnode(const struct inside *in, char *err, size_t errlen)
{
	if (caps_drop_bounding(in->v->caps_drop, err, errlen) < 0)
		return -1;
	if (in->uid && (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return vnode_err(err, errlen, errno, "becoming root of its user namespace: %s",
				 strerror(errno));
	if (in->workdir && chdir(in->workdir) < 0)
		return vnode_err(err, errlen, errno, "-w %s: %s", in->workdir, strerror(errno));
	if (close_range(3, ~0U, 0) < 0)
		return vnode_err(err, errlen, errno, "close_range: %s", strerror(errno));
	return seccomp_apply(err, errlen);  /* last: from here on, only the execve */
}

static void __attribute__((noreturn)) run_inside(const struct inside *in)
{
	char err[512], term[64], *envp[CLI_ENV_SLOTS];
	char *const sh[] = { "/bin/sh", NULL };
	int n = 0, r = prctl(PR_SET_DUMPABLE, 0) < 0 ? -errno : own_session(in);
	if (!r)
		r = enter_namespaces(in);
	if (r < 0) {
		errorf("%s: entering it (init %d): %s", in->v->id.name, (int)in->init, strerror(-r));
		_exit(EXIT_FAILED);
	}
	snprintf(term, sizeof(term), "TERM=%s", getenv("TERM") && in->slave >= 0 ? getenv("TERM") : "dumb");
	envp[n++] = "PATH=" VNODE_DEFAULT_PATH, envp[n++] = "HOME=/root", envp[n++] = term;
	for (int i = 0; in->env && in->env[i]; i++)
		envp[n++] = in->env[i];
	envp[n] = NULL;
	if (become_vnode(in, err, sizeof(err)) < 0) {
		errorf("%s: %s", in->v->id.name, err);
		_exit(EXIT_FAILED);
	}
	char *const *argv = in->cmd && in->cmd[0] ? in->cmd : sh;
	execvpe(argv[0], argv, envp);
	errorf("%s: %s: %s", in->v->id.name, argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Here, outside: its root, its pty if the operator has a terminal, its pid namespace
 * for the child to be born in. */
static int reach(struct inside *in, int *master, char *err, size_t errlen)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/root", (int)in->init);
	if ((in->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return vnode_err(err, errlen, errno, "%s: %s", path, strerror(errno));
	if (isatty(0) && pty_open(in->rootfd, master, &in->slave, err, errlen) < 0)
		return -1;
	if (in->slave >= 0 && in->uid && fchown(in->slave, in->uid, in->uid) < 0)
		return vnode_err(err, errlen, errno, "its pty: %s", strerror(errno));
	int r = same_ns(in->init, "pid") ? 0 : join(in->init, "pid");
	return r < 0 ? vnode_err(err, errlen, -r, "its pid namespace: %s", strerror(-r)) : 0;
}

int cmd_exec(const char *name, char *const cmd[], char *const env[], const char *workdir)
{
	struct vnode v = { 0 };
	struct vnode_state st;
	char err[1024];
	int r, status, master = -1;
	if ((r = vnode_load(&v, name, err, sizeof(err))) < 0)
		return load_failed(r, err);
	if (runtime_read(&v.id, &st, err, sizeof(err)) < 0)
		return exit_with(EXIT_FAILED, err);
	if (!st.init) {
		errorf("%s: not running", name);
		return EXIT_FAILED;
	}
	struct inside in = { &v, st.init, st.uid, -1, -1, cmd, env, workdir };
	if (reach(&in, &master, err, sizeof(err)) < 0) {
		errorf("%s: %s", name, err);
		return EXIT_FAILED;
	}
	/* born into the vnode's cgroup, so that its limits hold for what runs here too */
	int cg = st.cgroup[0] ? cgroup_join_init(st.init, st.cgroup, err, sizeof(err)) : -1;
	if (st.cgroup[0] && cg < 0) {
		errorf("%s: %s", name, err);
		return EXIT_FAILED;
	}
	pid_t pid = cg >= 0 ? cgroup_clone(CLONE_INTO_CGROUP, NULL, SIGCHLD, cg) : fork();
	if (pid == 0)
		run_inside(&in);
	if (cg >= 0)
		close(cg);
	if (pid < 0) {
		errorf("%s: fork: %s", name, strerror(errno));
		return EXIT_FAILED;
	}
	if (in.slave >= 0)
		close(in.slave);
	if (master >= 0)
		status = pty_proxy(master, pid);
	else
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return EXIT_FAILED;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
