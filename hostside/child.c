/* The child that becomes the vnode's init. It is cloned with all its namespaces
 * at once (a user namespace first of all, unless PRIVILEGED) and with every signal
 * blocked, and stays so until exec: a stop sent at any moment stays pending and vinit
 * reads it (lxd #3791 lost such signals). It places the root the monitor prepared,
 * waits for the monitor's go (the veths exist then), sets its hostname and network,
 * drops capabilities and execs INIT. Any failure is written
 * to the error pipe as one line; a successful exec closes that pipe silently. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "shared.h"
#include "vnode.h"

static void __attribute__((noreturn, format(printf, 2, 3))) fail(int fd, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0 && write(fd, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
		_exit(EXIT_FAILED);
	_exit(EXIT_USAGE);
}

/* vinit understands --ready-fd; any other init gets no fd 3, and the monitor takes
 * the exec itself as "up". */
static bool init_is_vinit(const char *init)
{
	char real[PATH_MAX];
	if (!realpath(init, real))
		return false;
	const char *base = strrchr(real, '/');
	return base && strcmp(base + 1, "vinit") == 0;
}

/* The disks beyond the root, on fds first..first+n-1 for the init, which holds them
 * for the vnode's life: an autoclear loop device with no opener is released, and a
 * released one is the next attach's, so a node in this vnode could then reach another
 * vnode's disk. The monitor, which attached them (vm_prepare), holds them too, so they
 * outlast the init's own exit until no process of the vnode is left. */
static int place_held(const struct vm_held *h, int first, char *err, size_t errlen)
{
	int tmp[VM_MAX_DISKS];

	for (unsigned i = 0; i < h->n; i++)  /* out of the way of the targets first */
		if ((tmp[i] = fcntl(h->fd[i], F_DUPFD_CLOEXEC, first + VM_MAX_DISKS)) < 0)
			return snprintf(err, errlen, "disk fd: %s", strerror(errno)), -1;
	for (unsigned i = 0; i < h->n; i++)
		if (dup2(tmp[i], first + (int)i) < 0)  /* dup2: not close-on-exec */
			return snprintf(err, errlen, "disk fd: %s", strerror(errno)), -1;
	return 0;
}

/* INIT [--ready-fd 3] [--hold-fd N]... into argv (vinit), or INIT alone. */
static void init_argv(const char *init, bool vinit, unsigned nheld, int first,
		      char num[][12], char **argv)
{
	int n = 0;
	argv[n++] = (char *)init;
	if (vinit) {
		argv[n++] = "--ready-fd";
		argv[n++] = "3";
		for (unsigned i = 0; i < nheld; i++) {
			snprintf(num[i], 12, "%d", first + (int)i);
			argv[n++] = "--hold-fd";
			argv[n++] = num[i];
		}
	}
	argv[n] = NULL;
}

/* The monitor's CHILD_ROOT: the prepared root, its fds now ours, in their slots. */
static int take_root(int sock, struct vm_prepared *r)
{
	int *slot[VM_PREPARED_MAX_FDS], fds[VM_PREPARED_MAX_FDS];
	unsigned n = 0;
	char tag = 0;
	if (fdpass_recv(sock, &tag, r, sizeof(*r), fds, VM_PREPARED_MAX_FDS, &n) < 0 ||
	    tag != CHILD_ROOT || vm_prepared_fds(r, slot, VM_PREPARED_MAX_FDS) != n)
		return -1;
	for (unsigned i = 0; i < n; i++)
		*slot[i] = fds[i];
	return 0;
}

/* In the user namespace: root of it, which the idmapped mounts show as root on disk. */
static int become_root(const struct vnode *v, char *err, size_t errlen)
{
	if (v->privileged)
		return 0;
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return snprintf(err, errlen, "becoming root of the user namespace: %s",
				strerror(errno)), -1;
	return 0;
}

/* Until exec: the root, a wait for the veths, hostname, network, capabilities. */
static void setup(struct vnode *v, struct child_pipes p, struct vm_prepared *root)
{
	char err[1024], go;
	if (take_root(p.go, root) < 0)
		_exit(EXIT_FAILED);  /* the monitor gave up on us, and says why */
	if (vm_open_live(&v->vm, root, err, sizeof(err)) < 0 || become_root(v, err, sizeof(err)) < 0 ||
	    vm_place(&v->vm, root, err, sizeof(err)) < 0)
		fail(p.err, "%s: %s", v->id.name, err);
	if (root->held.note[0])
		errorf("%s: %s", v->id.name, root->held.note);
	if (fdpass_send(p.go, CHILD_BUILT, NULL, 0, NULL, 0) < 0 || read(p.go, &go, 1) != 1)
		_exit(EXIT_FAILED);  /* the monitor gave up on us */
	close(p.go);
	if (sethostname(v->hostname, strlen(v->hostname)) < 0)
		fail(p.err, "%s: sethostname %s: %s", v->id.name, v->hostname, strerror(errno));
	if (vnode_netns(v) && vn_setup_inside(&v->net, err, sizeof(err)) < 0)
		fail(p.err, "%s: %s", v->id.name, err);
	if (caps_drop_bounding(v->caps_drop, err, sizeof(err)) < 0)
		fail(p.err, "%s: %s", v->id.name, err);
}

int child_main(struct vnode *v, struct child_pipes p)
{
	static struct vm_prepared root;  /* static: large, and off the stack */
	char err[1024], num[VM_MAX_DISKS][12], *argv[4 + 2 * VM_MAX_DISKS];

	setup(v, p, &root);
	bool vinit = init_is_vinit(v->init);
	if (vinit ? dup2(p.ready, 3) < 0 : close(p.ready) < 0)
		fail(p.err, "%s: ready pipe: %s", v->id.name, strerror(errno));
	int first = vinit ? 4 : 3;
	/* the error pipe out of the range the disks are placed on */
	int efd = fcntl(p.err, F_DUPFD_CLOEXEC, first + VM_MAX_DISKS);
	if (efd < 0)
		fail(p.err, "%s: error pipe: %s", v->id.name, strerror(errno));
	p.err = efd;
	if (place_held(&root.held, first, err, sizeof(err)) < 0)
		fail(p.err, "%s: %s", v->id.name, err);
	/* The init gets stdin, stdout, stderr, the ready fd and the disks; nothing else. */
	if (close_range((unsigned)first + root.held.n, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		fail(p.err, "%s: close_range: %s", v->id.name, strerror(errno));
	init_argv(v->init, vinit, root.held.n, first, num, argv);
	if (seccomp_apply(err, sizeof(err)) < 0)  /* last: from here on, only the exec */
		fail(p.err, "%s: %s", v->id.name, err);
	char *const envp[] = { "PATH=" VNODE_DEFAULT_PATH, "TERM=linux", "HOME=/", "container=vnode",
			       NULL };
	execve(v->init, argv, envp);
	fail(p.err, "%s: exec %s: %s", v->id.name, v->init, strerror(errno));
}
