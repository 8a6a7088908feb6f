/* The child that becomes the vnode's init. It is cloned with all its namespaces
 * at once and with every signal blocked, and stays so until exec: a stop sent at
 * any moment stays pending and vinit reads it (lxd #3791 lost such signals). It
 * builds its root, waits for the monitor's go (the veths exist then), sets its
 * hostname and network, drops capabilities and execs INIT. Any failure is written
 * to the error pipe as one line; a successful exec closes that pipe silently. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

int child_main(struct vnode *v, struct child_pipes p)
{
	char err[1024], go;

	/* The root first: it needs nothing from outside, so the loop device and the
	 * mount overlap the monitor's veth work. Then wait for the veths. */
	if (vm_build_root(&v->vm, err, sizeof(err)) < 0)
		fail(p.err, "%s: %s", v->name, err);
	if (read(p.go, &go, 1) != 1)
		_exit(EXIT_FAILED);  /* the monitor gave up on us */
	close(p.go);
	if (sethostname(v->hostname, strlen(v->hostname)) < 0)
		fail(p.err, "%s: sethostname %s: %s", v->name, v->hostname, strerror(errno));
	if (v->net.mode != VN_HOST && vn_setup_inside(&v->net, err, sizeof(err)) < 0)
		fail(p.err, "%s: %s", v->name, err);
	if (caps_drop_bounding(v->caps_drop, err, sizeof(err)) < 0)
		fail(p.err, "%s: %s", v->name, err);
	bool vinit = init_is_vinit(v->init);
	if (vinit ? dup2(p.ready, 3) < 0 : close(p.ready) < 0)
		fail(p.err, "%s: ready pipe: %s", v->name, strerror(errno));
	/* The init gets stdin, stdout, stderr and the ready fd; nothing of the monitor's. */
	if (close_range(vinit ? 4 : 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		fail(p.err, "%s: close_range: %s", v->name, strerror(errno));
	char *const argv[] = { (char *)v->init, vinit ? "--ready-fd" : NULL, "3", NULL };
	char *const envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			       "TERM=linux", "HOME=/", "container=vnode", NULL };
	execve(v->init, argv, envp);
	fail(p.err, "%s: exec %s: %s", v->name, v->init, strerror(errno));
}
