/* The launch, the monitor's first half: one process per vnode, outside it, the parent
 * of its init. This half boots the vnode (clone, veths, "go", wait for "up"), reports "up"
 * to whoever ran `vnode boot`, then execs vnode-monitor in the same process: a small
 * static program that watches the vnode for the rest of its life (hostside/monitor/)
 * without the libraries that booting needs. For a reboot, and after a kill, that
 * program execs `vnode __resume` back into this half, which boots the vnode again or
 * removes its writable state. Signals stay blocked throughout, so one sent while a
 * half is booting or exec'ing stays pending for the watcher. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "console.h"
#include "handoff.h"
#include "shared.h"
#include "vnode.h"

struct monitor {
	struct vnode *v;
	struct vnode_state st;
	struct handoff h;
	int report_fd;  /* `vnode boot` waits on its other end for "up" or the reason */
	char exe[PATH_MAX], monitor[PATH_MAX + 32];  /* this program; vnode-monitor */
	char console[32];  /* the console pty's slave, as /proc/self/fd/N, for vm_prepare */
	int cgfd;          /* this boot's cgroup (st.cgroup), O_PATH, or -1 without one */
	char unit[256];    /* the service whose delegated cgroup that is (machined.c), or "" */
};

/* Tells `vnode boot` "up\n" or why not; it reads until EOF. With done false the pipe
 * stays open: it is close-on-exec, so after "up\n" the exec of vnode-monitor closes it,
 * and a failure of that exec can still be told. */
static void tell(struct monitor *m, const char *msg, bool done)
{
	if (!strcmp(msg, "up\n"))  /* and to a service manager, for `vnode run` */
		notify("READY=1\nSTATUS=up\nMAINPID=%d", (int)getpid());
	else
		notify("STATUS=%.*s", (int)strcspn(msg, "\n"), msg);
	if (m->report_fd < 0)
		return;
	if (write(m->report_fd, msg, strlen(msg)) < 0)
		errorf("%s: reporting to vnode boot: %s", m->v->id.name, strerror(errno));
	if (!done)
		return;
	close(m->report_fd);
	m->report_fd = -1;
}

static void report(struct monitor *m, const char *msg)
{
	tell(m, msg, true);
}

/* Milliseconds left until deadline (-1: none), for poll. */
static int ms_left(long long deadline)
{
	if (deadline < 0)
		return -1;
	long long left = deadline - mono_ms();
	return left > 0 ? (int)left : 0;
}

/* Reads the error pipe (EOF: exec happened) and then the ready pipe ("up", or EOF
 * from an init that is not vinit), and meanwhile the console into the log: a getty the
 * rc starts flushes what nobody has read. Returns 0, -1 with msg filled, or -2 (msg
 * too) when BOOT_TIMEOUT passed first. */
static int wait_started(struct monitor *m, int errfd, int readyfd, char *msg, size_t len)
{
	const int fds[2] = { errfd, readyfd };
	const unsigned limit = m->v->boot_timeout;
	const long long deadline = limit ? mono_ms() + limit * 1000LL : -1;
	char buf[4096];
	unsigned lost[2] = { 0, 0 };
	for (int i = 0; i < 2;) {
		struct pollfd p[2] = { { fds[i], POLLIN, 0 }, { m->h.con, POLLIN, 0 } };
		int ready = poll(p, 2, ms_left(deadline));
		if (ready < 0 && errno != EINTR)
			return snprintf(msg, len, "%s: poll: %s", m->v->id.name, strerror(errno)), -1;
		if (ready == 0)
			return snprintf(msg, len, "%s: not up BOOT_TIMEOUT=%u s after its boot began (%s): "
					"stopped", m->v->id.name, limit, i ? "its init never said so"
					: "still making it"), -2;
		ssize_t n = p[1].revents & POLLIN ? read(m->h.con, buf, sizeof(buf)) : 0;
		if (n > 0)
			console_fanout(buf, (size_t)n, m->h.log_fd, &m->h.con_client, lost);
		n = p[0].revents ? read(fds[i], i ? buf : msg, i ? sizeof(buf) : len - 1) : -1;
		if (n < 0)
			continue;  /* nothing yet, or EINTR */
		if (i == 0 && n > 0) {
			msg[n] = 0;
			return -1;
		}
		i++;
	}
	if (lost[0] || lost[1])
		errorf("%s: console output lost during the boot: %u reads not fully written to %s, "
		       "%u not sent to the attached console", m->v->id.name, lost[0], m->v->id.logfile,
		       lost[1]);
	return 0;
}

/* What the child needs to become the init: its ends of the pipes, and the console. */
struct birth {
	struct monitor *m;
	int go[2], err[2], ready[2];
	unsigned long long flags;  /* clone_by_helper's */
	int told;                  /* clone_by_helper's pipe: the init's pid, or -errno */
};

static void __attribute__((noreturn)) become_init(const struct birth *b)
{
	close(b->go[1]), close(b->err[0]), close(b->ready[0]);
	for (int fd = 0; fd < 3; fd++)  /* the console */
		if (dup2(b->m->h.con_slave, fd) < 0)
			_exit(EXIT_FAILED);
	child_main(b->m->v, (struct child_pipes){ b->go[0], b->err[1], b->ready[1] });
}

/* The helper of clone_by_helper, in the vnode's cgroup and a cgroup namespace of its own. */
static int helper(void *arg)
{
	const struct birth *b = arg;
	pid_t pid = cgroup_clone(b->flags | CLONE_PARENT, NULL, 0, 0);
	if (pid == 0)
		become_init(b);  /* on a copy of the helper's stack */
	int got = pid < 0 ? -errno : pid;
	return write(b->told, &got, sizeof(got)) == sizeof(got) ? 0 : EXIT_FAILED;
}

/* Unprivileged, the init's cgroup namespace is the host root's, so that root inside may
 * not mount cgroupfs (nor make a cgroup namespace its own: seccomp.c), and is rooted at
 * its cgroup. A helper born into the cgroup with a namespace of its own (clone3 roots it
 * there) clones the init as its sibling: so the init is this process's child, and born
 * in both. The helper shares this process's memory (vfork3.c) and ends at once. */
static pid_t clone_by_helper(struct birth *b, int cgfd, int *pidfd)
{
	int p[2], status, got = 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	b->told = p[1];
	pid_t h = cgroup_vfork(CLONE_INTO_CGROUP | CLONE_NEWCGROUP, cgfd, helper, b);
	int e = errno;
	close(p[1]);
	ssize_t n = h < 0 ? -1 : read(p[0], &got, sizeof(got));
	close(p[0]);
	while (h > 0 && waitpid(h, &status, 0) < 0 && errno == EINTR)
		;
	if (h < 0 || n != sizeof(got) || got <= 0) {
		errno = h < 0 ? e : n != sizeof(got) ? ECHILD : -got;
		return -1;
	}
	if ((*pidfd = (int)syscall(SYS_pidfd_open, got, 0)) < 0)  /* our child: not reaped yet */
		return -1;
	return got;
}

/* The user namespace owns all the others, but for the cgroup namespace (see above). With
 * no cgroup v2 on the host, the monitor makes that one first, and the child inherits it.
 * Returns in this process only: the child becomes the init. */
static pid_t clone_child(struct birth *b, int *pidfd)
{
	struct monitor *m = b->m;
	pid_t pid;
	b->flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
	if (vnode_netns(m->v))
		b->flags |= CLONE_NEWNET;
	if (!m->v->privileged)
		b->flags |= CLONE_NEWUSER;
	if (m->cgfd >= 0 && !m->v->privileged)
		return clone_by_helper(b, m->cgfd, pidfd);
	if (m->cgfd >= 0)
		pid = cgroup_clone(b->flags | CLONE_NEWCGROUP | CLONE_INTO_CGROUP | CLONE_PIDFD, pidfd,
				   SIGCHLD, m->cgfd);
	else if (!m->v->privileged && unshare(CLONE_NEWCGROUP) < 0)
		return -1;
	else
		pid = cgroup_clone(b->flags | CLONE_PIDFD | (m->v->privileged ? CLONE_NEWCGROUP : 0),
				   pidfd, SIGCHLD, 0);
	if (pid == 0)
		become_init(b);
	return pid;
}

/* This boot's cgroup, and an fd for the clone into it; none without cgroup v2. */
static int make_cgroup(struct monitor *m, char *msg, size_t len)
{
	struct cgroup_host host;
	char why[1000];
	int r = cgroup_find(&host);
	m->st.cgroup[0] = 0;
	m->h.cgroup = NULL;
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		snprintf(why, sizeof(why), "%.900s/cgroup.controllers: %s", host.mount, strerror(-r));
	if (r < 0 || cgroup_make(&host, m->v->id.name, &m->v->limits, &m->v->ids, m->st.cgroup,
				 sizeof(m->st.cgroup), why, sizeof(why)) < 0) {
		m->st.cgroup[0] = 0;
		snprintf(msg, len, "%s: %.1000s", m->v->id.name, why);
		if (limits_set(&m->v->limits))
			return -1;
		errorf("%s; it boots without a cgroup (it has no limits)", msg);  /* a read-only one */
		return 0;
	}
	m->h.cgroup = m->st.cgroup;
	if (host.delegated)
		snprintf(m->unit, sizeof(m->unit), "%s", strrchr(host.base, '/') + 1);
	if ((m->cgfd = open(m->st.cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0)
		return 0;
	snprintf(msg, len, "%s: %.1000s: %s", m->v->id.name, m->st.cgroup, strerror(errno));
	return -1;
}

/* The vnode's cgroup2, mounted in its cgroup namespace (so rooted at its cgroup) for the
 * child to place on /sys/fs/cgroup: root inside may not mount it (see clone_by_helper). */
static int mount_cgroupfs(struct monitor *m, pid_t pid, char *msg, size_t len)
{
	char path[64], why[300] = "";
	snprintf(path, sizeof(path), "/proc/%d/ns/cgroup", (int)pid);
	int own = open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC), ns = open(path, O_RDONLY | O_CLOEXEC);
	int fd = -1, e = 0;
	if (own < 0 || ns < 0 || setns(ns, CLONE_NEWCGROUP) < 0)
		e = errno;
	else if ((fd = vm_cgroupfs(why, sizeof(why))) >= 0 && setns(own, CLONE_NEWCGROUP) < 0)
		e = errno, close(fd), fd = -1;  /* stuck in the vnode's: this boot fails */
	if (own >= 0)
		close(own);
	if (ns >= 0)
		close(ns);
	if (fd < 0)
		snprintf(msg, len, "%s: its cgroup namespace: %s", m->v->id.name, why[0] ? why : strerror(e));
	return fd;
}

static void stop_child(struct monitor *m)
{
	if (syscall(SYS_pidfd_send_signal, m->h.pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		errorf("%s: SIGKILL to init %d: %s", m->v->id.name, (int)m->h.init, strerror(errno));
	while (waitpid(m->h.init, NULL, 0) < 0 && errno == EINTR)
		;
	close(m->h.pidfd);
	m->h.pidfd = -1;
	handoff_release_disks(&m->h);
}

/* /proc/PID/uid_map or gid_map: root inside is start outside, VNODE_IDS ids. */
static int write_map(pid_t pid, const char *file, unsigned start, char *msg, size_t len)
{
	char path[64], line[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int n = snprintf(line, sizeof(line), "0 %u %u\n", start, VNODE_IDS);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, line, (size_t)n) == n)
		return close(fd);
	snprintf(msg, len, "%s: %s: %s", path, line, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The child's user namespace, its ids mapped: an fd for the idmapped mounts. */
static int open_userns(struct monitor *m, pid_t pid, char *msg, size_t len)
{
	char path[64], why[300];
	if (write_map(pid, "uid_map", m->v->ids.uid, why, sizeof(why)) < 0 ||
	    write_map(pid, "gid_map", m->v->ids.gid, why, sizeof(why)) < 0) {
		snprintf(msg, len, "%s: user namespace: %s", m->v->id.name, why);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		snprintf(msg, len, "%s: %s: %s", m->v->id.name, path, strerror(errno));
	return fd;
}

/* The root, prepared here (mount/prepare.c) and sent to the child to place. The
 * monitor keeps the disks beyond the root for the vnode's life (see child.c). */
static int give_root(struct monitor *m, pid_t pid, int sock, char *msg, size_t len)
{
	static struct vm_prepared p;  /* static: large, and off the stack */
	int *slot[VM_PREPARED_MAX_FDS], fds[VM_PREPARED_MAX_FDS], ufd = -1, r;
	char why[1100];
	if (!m->v->privileged && (ufd = open_userns(m, pid, msg, len)) < 0)
		return -1;
	struct vm_idmap im = { ufd, m->v->ids.uid, m->v->ids.gid };
	snprintf(m->console, sizeof(m->console), "/proc/self/fd/%d", m->h.con_slave);
	m->v->vm.console = m->console;
	r = vm_prepare(&m->v->vm, ufd >= 0 ? &im : NULL, &p, why, sizeof(why));
	if (ufd >= 0)
		close(ufd);
	vm_release(&m->v->vm);
	if (r < 0) {
		snprintf(msg, len, "%s: %s", m->v->id.name, why);
		return -1;
	}
	if (m->h.cgroup && (p.cgroup = mount_cgroupfs(m, pid, msg, len)) < 0) {
		vm_prepared_close(&p);
		return -1;
	}
	unsigned n = vm_prepared_fds(&p, slot, VM_PREPARED_MAX_FDS);
	for (unsigned i = 0; i < n; i++)
		fds[i] = *slot[i];
	r = fdpass_send(sock, CHILD_ROOT, &p, sizeof(p), fds, n);
	for (unsigned i = 0; i < p.held.n; i++)  /* ours now; the child has its own */
		m->h.disk_fd[m->h.ndisk_fd++] = p.held.fd[i];
	p.held.n = 0;
	vm_prepared_close(&p);
	if (r < 0)
		snprintf(msg, len, "%s: sending the root to the child: %s", m->v->id.name, strerror(-r));
	return r < 0 ? -1 : 0;
}

/* The child's CHILD_BUILT: its root is placed. A child that failed sends nothing; its
 * error pipe says why. */
static int wait_built(struct monitor *m, int sock, char *msg, size_t len)
{
	char tag = 0;
	unsigned n = 0;
	int r = fdpass_recv(sock, &tag, NULL, 0, NULL, 0, &n);
	if (r == 0 && tag == CHILD_BUILT)
		return 0;
	snprintf(msg, len, "%s: child vanished%s%s", m->v->id.name, r ? ": " : "",
		 r ? strerror(-r) : "");
	return -1;
}

/* The child exists: its root, its network from outside, go. 0 or an exit status. */
static int start_child(struct monitor *m, pid_t pid, int sock, char *msg, size_t len)
{
	if (give_root(m, pid, sock, msg, len) < 0)
		return EXIT_USAGE;
	if (vnode_netns(m->v) && vn_setup_host(&m->v->net, pid, msg, len) < 0)
		return EXIT_USAGE;
	if (wait_built(m, sock, msg, len) < 0)
		return EXIT_FAILED;
	if (write(sock, &(char){ CHILD_GO }, 1) != 1) {
		snprintf(msg, len, "%s: child vanished", m->v->id.name);
		return EXIT_FAILED;
	}
	return 0;
}

/* One boot: clone, the child started, wait for exec and "up". Returns 0 or an exit
 * status, with the reason reported. */
static int boot_once(struct monitor *m)
{
	struct vnode *v = m->v;
	struct birth b = { .m = m };
	int *go = b.go, *err = b.err, *ready = b.ready, pidfd = -1;
	char msg[1300], why[1300];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, go) < 0 ||
	    pipe2(err, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		snprintf(msg, sizeof(msg), "%s: pipe: %s", v->id.name, strerror(errno));
		return report(m, msg), errorf("%s", msg), EXIT_FAILED;
	}
	if (make_cgroup(m, msg, sizeof(msg)) < 0) {
		close(go[0]), close(go[1]), close(err[0]), close(err[1]), close(ready[0]), close(ready[1]);
		return report(m, msg), errorf("%s", msg), EXIT_FAILED;
	}
	pid_t pid = clone_child(&b, &pidfd);
	close(go[0]), close(err[1]), close(ready[1]);
	if (m->cgfd >= 0)
		close(m->cgfd);
	m->cgfd = -1;
	if (pid < 0) {
		snprintf(msg, sizeof(msg), "%s: clone: %s", v->id.name, strerror(errno));
		close(go[1]), close(err[0]), close(ready[0]);
		return errorf("%s", msg), report(m, msg), EXIT_FAILED;
	}
	m->h.init = m->st.init = pid;
	m->h.pidfd = pidfd;
	m->h.boots = ++m->st.boots;
	m->h.started = m->st.started = time(NULL);
	/* recorded before the veths and the netns name exist, or no boot: a vnode never
	 * runs without a state file that names its init */
	snprintf(m->st.phase, sizeof(m->st.phase), "%s", verbs[VERB_BOOT].phase);
	int r = runtime_write(&m->v->id, &m->st);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "%s: writing %.900s: %s", v->id.name, v->id.statefile,
			 strerror(-r));
		close(go[1]), close(err[0]), close(ready[0]);
		return errorf("%s", msg), report(m, msg), stop_child(m), EXIT_FAILED;
	}
	r = start_child(m, pid, go[1], msg, sizeof(msg));
	close(go[1]);  /* without a go, the child ends */
	/* The child's own failure says more than whatever followed from it here. */
	int w = wait_started(m, err[0], ready[0], why, sizeof(why));
	if (w < 0)
		r = w == -2 ? EXIT_FAILED : EXIT_USAGE, snprintf(msg, sizeof(msg), "%s", why);
	close(err[0]), close(ready[0]);
	if (r) {
		errorf("%s", msg);
		report(m, msg);
		stop_child(m);
		return r;
	}
	runtime_set_phase(&m->v->id, &m->st, "up");
	return 0;
}

/* Where vnode-monitor is: the libexec dir of an installed vnode, else (the build
 * tree) next to it. Found before anything is built, so its absence costs nothing. */
static int find_monitor(struct monitor *m, char *msg, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", m->exe, sizeof(m->exe) - 1);
	if (n <= 0) {
		snprintf(msg, len, "%s: /proc/self/exe: %s", m->v->id.name, strerror(errno));
		return -1;
	}
	m->exe[n] = 0;
	int dir = (int)(strrchr(m->exe, '/') - m->exe);
	snprintf(m->monitor, sizeof(m->monitor), "%.*s/../libexec/vnode/vnode-monitor", dir, m->exe);
	if (access(m->monitor, X_OK) == 0)
		return 0;
	snprintf(m->monitor, sizeof(m->monitor), "%.*s/vnode-monitor", dir, m->exe);
	if (access(m->monitor, X_OK) == 0)
		return 0;
	snprintf(msg, len, "%s: no vnode-monitor next to %s (nor in ../libexec/vnode): %s",
		 m->v->id.name, m->exe, strerror(errno));
	return -1;
}

static void ended(struct monitor *m, int r)
{
	char line[VNODE_NAME_MAX + 80];
	snprintf(line, sizeof(line), "%s: %s", m->v->id.name, r ? "failed (vnode log shows why)" :
		 verbs[VERB_KILL].done);
	if (m->h.con_client >= 0)
		console_send(m->h.con_client, CON_BYE, line, strlen(line));  /* it may be gone */
	vnode_end(&m->v->id, vnode_netns(m->v), m->h.cgroup, &m->v->hook, r ? "failed" : "down");
}

/* The vnode is up: tell, then become vnode-monitor. Returns only on failure. */
static int hand_over(struct monitor *m)
{
	if (m->unit[0])
		machined_register(m->v->id.name, m->h.init, m->v->id.dir, m->unit);
	tell(m, "up\n", false);
	hook_run(&m->v->hook, m->v->id.name, "up");
	m->h.up_ms = mono_ms();
	m->h.exe = m->exe;
	fflush(NULL);
	handoff_exec(&m->h, m->monitor, "vnode-monitor", NULL);
	char msg[PATH_MAX + 100];
	snprintf(msg, sizeof(msg), "%s: exec %s: %s", m->v->id.name, m->monitor, strerror(errno));
	errorf("%s", msg);
	report(m, msg);
	stop_child(m);
	ended(m, EXIT_FAILED);
	return EXIT_FAILED;
}

static int block_signals(void)
{
	sigset_t set;
	sigfillset(&set);
	sigset_del_faults(&set);
	return sigprocmask(SIG_BLOCK, &set, NULL);  /* fails only for a bad set */
}

/* An unprivileged vnode's uid and gid range: the one it has, or one from the pool. */
static int take_ids(struct vnode *v, char *msg, size_t len)
{
	char why[300];
	if (v->privileged) {
		v->ids = (struct vnode_ids){ 0, 0 };
		return 0;
	}
	if (v->ids.uid || ids_take(v->id.name, &v->ids, why, sizeof(why)) == 0)
		return 0;
	snprintf(msg, len, "%s: %s", v->id.name, why);
	return -1;
}

static void fill_handoff(struct monitor *m)
{
	struct vnode *v = m->v;
	m->h.name = v->id.name;
	m->h.home = vnode_home;
	m->h.hook = v->hook;
	m->h.netns = vnode_netns(v);
	m->h.stop_timeout = v->stop_timeout;
	m->h.uid = m->st.uid = v->ids.uid;
	m->h.gid = v->ids.gid;
}

/* Before anything is built: the uid range, the pid line, the program to hand over to,
 * the console and the log. -1 with msg filled on failure. */
static int prepare(struct monitor *m, int client, char *msg, size_t len)
{
	struct vnode *v = m->v;
	char pidline[32];
	int n = snprintf(pidline, sizeof(pidline), "%d\n", (int)getpid());

	if (take_ids(v, msg, len) < 0)
		return -1;
	fill_handoff(m);
	/* An ignored SIGCHLD (inherited) would have the kernel reap the init. */
	if (block_signals() < 0 || signal(SIGCHLD, SIG_DFL) == SIG_ERR) {
		snprintf(msg, len, "%s: signals: %s", v->id.name, strerror(errno));
		return -1;
	}
	if (find_monitor(m, msg, len) < 0)
		return -1;
	if (ftruncate(m->h.lock_fd, 0) < 0 || pwrite(m->h.lock_fd, pidline, (size_t)n, 0) != n) {
		snprintf(msg, len, "%s: %s: %s", v->id.name, v->id.pidfile, strerror(errno));
		return -1;
	}
	/* boot -f's end of a socket pair is the console's operator from the start */
	m->h.con_client = client;
	if (client >= 0 && fcntl(client, F_SETFL, O_NONBLOCK) < 0) {
		snprintf(msg, len, "%s: console: %s", v->id.name, strerror(errno));
		return -1;
	}
	m->h.log_max = v->log_max;
	m->h.log_fd = open(v->id.logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (m->h.log_fd < 0) {
		snprintf(msg, len, "%s: %s: %s", v->id.name, v->id.logfile, strerror(errno));
		return -1;
	}
	char why[PATH_MAX + 64];
	if (console_create(&m->h, &v->id, v->ids.uid, v->ids.gid, why, sizeof(why)) < 0) {
		snprintf(msg, len, "%s: %s", v->id.name, why);
		return -1;
	}
	return 0;
}

int launch(struct vnode *v, int lockfd, int report_fd, int client)
{
	struct monitor m = { .v = v, .report_fd = report_fd, .cgfd = -1 };
	char msg[PATH_MAX + 200];
	int r;

	handoff_init(&m.h);
	m.h.lock_fd = lockfd;
	if (prepare(&m, client, msg, sizeof(msg)) < 0) {
		errorf("%s", msg);
		report(&m, msg);
		vnode_end(&v->id, NULL, NULL, NULL, NULL);
		return EXIT_FAILED;
	}
	hook_run(&v->hook, v->id.name, verbs[VERB_BOOT].hook);
	if ((r = boot_once(&m)))
		return ended(&m, r), r;
	return hand_over(&m);
}

/* `vnode __resume`: vnode-monitor hands back a vnode that rebooted (boot it again,
 * with the config as it is now) or was killed (remove its writable state). The
 * netns name is already gone. */
int launch_resume(const struct handoff *h)
{
	struct vnode *v = calloc(1, sizeof(*v));  /* heap: see cmd_boot */
	struct monitor m = { .v = v, .h = *h, .report_fd = -1, .cgfd = -1 };
	char err[1024];
	int r;

	if (!v) {
		errorf("%s: resuming: %s", h->name, strerror(ENOMEM));
		return EXIT_FAILED;
	}
	m.st.boots = h->boots;
	m.st.started = h->started;
	m.h.pidfd = -1;
	v->hook = h->hook;  /* signals are still blocked: the mask survives exec */
	if ((r = vnode_load(v, h->name, err, sizeof(err))) < 0) {
		errorf("%s", err);
		if (vnode_id_set(&v->id, h->name, err, sizeof(err)) < 0)
			return exit_with(EXIT_FAILED, err);
		v->net.mode = VN_HOST;  /* the name is gone; nothing else to undo */
		return ended(&m, EXIT_FAILED), EXIT_FAILED;
	}
	v->ids = (struct vnode_ids){ h->uid, h->gid };  /* a reboot keeps its range */
	if (take_ids(v, err, sizeof(err)) < 0) {
		errorf("%s", err);
		return ended(&m, EXIT_FAILED), EXIT_FAILED;
	}
	fill_handoff(&m);
	if (verb_by_name(h->verb) == VERB_KILL) {
		if (vm_remove_state(&v->vm, err, sizeof(err)) < 0)
			errorf("%s: %s", v->id.name, err);
		ended(&m, 0);
		return EXIT_OK;
	}
	if (find_monitor(&m, err, sizeof(err)) < 0) {
		errorf("%s", err);
		return ended(&m, EXIT_FAILED), EXIT_FAILED;
	}
	hook_run(&v->hook, v->id.name, verbs[VERB_BOOT].hook);
	if (vm_resolve(&v->vm, err, sizeof(err)) < 0) {
		errorf("%s: %s", v->id.name, err);
		return ended(&m, EXIT_USAGE), EXIT_USAGE;
	}
	if ((r = boot_once(&m)))
		return ended(&m, r), r;
	return hand_over(&m);
}
