/* vm_build_root: in the vnode's fresh mount namespace, assemble the root on
 * DIR/live, pivot into it, then give it its own /dev, /proc, /sys and binds. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disks.h"
#include "vmerr.h"
#include "vmount.h"

#define MAX_UNDO (VM_PLAN_MAX + 8 + VM_MAX_BINDS)

/* What was made so far, released in reverse on failure. */
struct build {
	const char *mounted[MAX_UNDO];
	unsigned nmounted, npremounted; /* npremounted: made before pivot_root */
	struct vm_held *held;           /* the loop fds of DISKS[1..] */
	int nr[VM_MAX_DISKS];           /* each disk's loop device number */
	struct vm_extent x[VM_MAX_DISKS];
	int bindfd[VM_MAX_BINDS];
	int layerfd[2];                 /* mode d: root/ and work/ inside the image */
	struct vm_fsmounts fm;
	bool pivoted;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void undo(struct build *b, const struct vm_config *c)
{
	/* After pivot_root the first mounts sit in the detached old root or are the
	 * root itself: they go when the namespace dies. */
	unsigned stop = b->pivoted ? b->npremounted : 0;

	while (b->nmounted > stop)
		vm_umount(b->mounted[--b->nmounted], MNT_DETACH, NULL, 0);
	vm_fstab_close(&b->fm);
	for (unsigned i = 0; i < b->held->n; i++)
		close_fd(&b->held->fd[i]);
	b->held->n = 0;
	for (unsigned i = 0; i < c->nbinds; i++)
		close_fd(&b->bindfd[i]);
	close_fd(&b->layerfd[0]);
	close_fd(&b->layerfd[1]);
}

static int domount(struct build *b, const char *what, const char *where, const char *type,
		   unsigned long flags, const char *opts, char *err, size_t errlen)
{
	int r = vm_mount(what, where, type, flags, opts, err, errlen);

	if (!r && b->nmounted < MAX_UNDO)
		b->mounted[b->nmounted++] = where;
	return r;
}

/* One image of the plan (DISKS[0] or NAME.img) on its loop device. nodev: a device
 * node on an image is the image's to forge. */
static int mount_image(struct build *b, const struct vm_config *c, const struct vm_mount *m,
		       char *err, size_t errlen)
{
	const struct vm_disk *d = m->disk >= 0 ? &c->disks[m->disk] : NULL;
	char dev[32], label[64];
	struct vm_extent x;
	int nr, r;

	if (d)
		snprintf(label, sizeof(label), "DISKS[%d] %s", m->disk, d->node);
	else
		snprintf(label, sizeof(label), "%s.img", c->name);
	int fd = !c->resolved ? -1 : d ? d->fd : c->img_fd;
	int lfd = vm_attach(label, m->what, fd, d ? d->part : 0, d && d->ro,
			    c->resolved && d ? &d->x : NULL, false, &nr, &x, err, errlen);
	if (lfd < 0)
		return lfd;
	snprintf(dev, sizeof(dev), "/dev/loop%d", nr);
	r = domount(b, dev, m->where, x.fstype, m->flags | MS_NODEV,
		    vm_is_ext(x.fstype) ? "errors=remount-ro" : "", err, errlen);
	/* The mount holds the device now; our fd must go for autoclear to act. */
	close(lfd);
	if (r < 0)
		vm_prefix(err, errlen, "%s", label);
	else if (d)
		b->nr[m->disk] = nr, b->x[m->disk] = x;
	return r;
}

/* Mode d: root/ and work/ inside the mounted image, opened without leaving it (no
 * symlink out, no other mount), as /proc/self/fd paths for the layer mount. */
static int open_layers(struct build *b, const char *mnt, char paths[2][32], char *err,
		       size_t errlen)
{
	static const char *const names[2] = { "root", "work" };
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV |
					   RESOLVE_NO_MAGICLINKS };
	int mfd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (mfd < 0)
		return vm_fail(err, errlen, errno, "open %s: %s", mnt, strerror(errno));
	for (int i = 0; i < 2; i++) {
		b->layerfd[i] = (int)syscall(SYS_openat2, mfd, names[i], &how, sizeof(how));
		if (b->layerfd[i] < 0) {
			int e = errno;
			close(mfd);
			return vm_fail(err, errlen, e, "%s: %s/: %s", mnt, names[i],
				       e == EXDEV || e == ELOOP ?
					       "a symlink out of the image, or another mount" :
					       strerror(e));
		}
		snprintf(paths[i], sizeof(paths[i]), "/proc/self/fd/%d", b->layerfd[i]);
	}
	close(mfd);
	return 0;
}

static int mount_root(struct build *b, const struct vm_config *c, struct vm_plan *p,
		      char *err, size_t errlen)
{
	char layers[2][32];
	int r;

	for (unsigned i = 0; i < p->n; i++) {
		struct vm_mount *m = &p->m[i];
		if ((r = vm_mkdir_p(m->where, 0755, err, errlen)) < 0)
			return r;
		r = m->disk == VM_DISK_NONE ?
			    domount(b, m->what, m->where, m->type, m->flags, m->opts, err, errlen) :
			    mount_image(b, c, m, err, errlen);
		if (r < 0)
			return r;
		if (m->disk != VM_DISK_IMG)
			continue;
		/* NAME.img is mounted: plan the layers again, as found inside it. */
		const char *const lp[2] = { layers[0], layers[1] };
		if ((r = open_layers(b, m->where, layers, err, errlen)) < 0 ||
		    (r = vm_plan_root(c, true, lp, p, err, errlen)) < 0)
			return r;
	}
	return 0;
}

/* DISKS beyond the root: attached, a blank one too, and held for the caller. */
static int attach_disks(struct build *b, const struct vm_config *c, char *err, size_t errlen)
{
	char label[64];

	for (unsigned i = 1; i < c->ndisks; i++) {
		const struct vm_disk *d = &c->disks[i];
		snprintf(label, sizeof(label), "DISKS[%u] %s", i, d->node);
		int lfd = vm_attach(label, d->image, c->resolved ? d->fd : -1, d->part, d->ro,
				    c->resolved ? &d->x : NULL, true, &b->nr[i], &b->x[i], err, errlen);
		if (lfd < 0)
			return lfd;
		b->held->fd[b->held->n++] = lfd;
	}
	return 0;
}

/* Host sources are cloned before pivot_root; they are attached after it, so the
 * targets resolve inside the vnode's root (its symlinks cannot point us out). */
static int open_binds(struct build *b, const struct vm_config *c, char *err, size_t errlen)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	for (unsigned i = 0; i < c->nbinds; i++) {
		const struct vm_bind *bd = &c->binds[i];
		int fd = open_tree(AT_FDCWD, bd->src,
				   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (fd < 0)
			return vm_fail(err, errlen, errno, "BINDS[%u] open_tree %s: %s", i, bd->src,
				       strerror(errno));
		b->bindfd[i] = fd;
		if (bd->ro && mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro,
					    sizeof(ro)) < 0)
			return vm_fail(err, errlen, errno, "BINDS[%u] make %s read-only: %s", i,
				       bd->src, strerror(errno));
	}
	return 0;
}

static int place_binds(struct build *b, const struct vm_config *c, char *err, size_t errlen)
{
	struct stat st;
	int r;

	for (unsigned i = 0; i < c->nbinds; i++) {
		const char *dst = c->binds[i].dst;
		if (fstat(b->bindfd[i], &st) < 0)
			return vm_fail(err, errlen, errno, "BINDS[%u] stat %s: %s", i,
				       c->binds[i].src, strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			if ((r = vm_mkdir_p(dst, 0755, err, errlen)) < 0)
				return r;
		} else {
			char parent[PATH_MAX];
			snprintf(parent, sizeof(parent), "%s", dst);
			*strrchr(parent, '/') = 0;
			if (*parent && (r = vm_mkdir_p(parent, 0755, err, errlen)) < 0)
				return r;
			int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
			if (fd < 0 && errno != EEXIST && errno != EISDIR)
				return vm_fail(err, errlen, errno, "BINDS[%u] create %s: %s", i, dst,
					       strerror(errno));
			if (fd >= 0)
				close(fd);
		}
		if (move_mount(b->bindfd[i], "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return vm_fail(err, errlen, errno, "BINDS[%u] mount %s on %s: %s", i,
				       c->binds[i].src, dst, strerror(errno));
		if (b->nmounted < MAX_UNDO)
			b->mounted[b->nmounted++] = dst;
		close(b->bindfd[i]);
		b->bindfd[i] = -1;
	}
	return 0;
}

static int make_dev(struct build *b, const struct vm_config *c, char *err, size_t errlen)
{
	char path[64], node[48];
	int r;

	if ((r = vm_mkdir_p("/dev/net", 0755, err, errlen)) < 0)
		return r;
	for (unsigned i = 0; i < vm_ndevnodes; i++) {
		const struct vm_devnode *n = &vm_devnodes[i];
		snprintf(path, sizeof(path), "/dev/%s", n->name);
		if ((r = vm_mknod(path, S_IFCHR | n->mode, makedev(n->major, n->minor), err,
				  errlen)) < 0)
			return r;
	}
	for (unsigned i = 0; i < vm_ndevlinks; i++) {
		snprintf(path, sizeof(path), "/dev/%s", vm_devlinks[i].name);
		if ((r = vm_symlink(vm_devlinks[i].target, path, err, errlen)) < 0)
			return r;
	}
	for (unsigned i = 0; i < c->ndisks; i++) {
		vm_disk_node(&c->disks[i], node, sizeof(node));
		snprintf(path, sizeof(path), "/dev/%s", node);
		if ((r = vm_mknod(path, S_IFBLK | 0660, makedev(VM_LOOP_MAJOR, (unsigned)b->nr[i]),
				  err, errlen)) < 0)
			return r;
	}
	return 0;
}

static int mount_fixed(struct build *b, char *err, size_t errlen)
{
	int r;

	for (unsigned i = 0; i < vm_nfixed_mounts; i++) {
		const struct vm_fixed_mount *m = &vm_fixed_mounts[i];
		r = vm_mkdir_p(m->where, 0755, err, errlen);
		if (!r)
			r = domount(b, m->what, m->where, m->type, m->flags, m->opts, err, errlen);
		if (r < 0 && m->fatal)
			return r;
	}
	return 0;
}

/* The image's fstab lines for the disks beyond the root, as detached mounts. */
static int prepare_fstab(struct build *b, const struct vm_config *c, const char *root,
			 char *err, size_t errlen)
{
	if (c->ndisks < 2)
		return 0;
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return vm_fail(err, errlen, errno, "open %s: %s", root, strerror(errno));
	int r = vm_fstab_prepare(c, rootfd, b->nr, b->x, b->held, &b->fm, err, errlen);
	close(rootfd);
	return r;
}

static int make_overlay_dirs(const struct vm_config *c, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int r;

	snprintf(path, sizeof(path), "%s/work", c->dir);
	if ((r = vm_mkdir_p(path, 0700, err, errlen)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/root", c->dir);
	return vm_mkdir_p(path, 0755, err, errlen);
}

static int build(struct build *b, const struct vm_config *c, char *err, size_t errlen)
{
	struct vm_plan plan;
	int r;

	/* First of all: nothing we mount may propagate back to the host. */
	if ((r = vm_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err, errlen)) < 0)
		return r;
	if ((r = vm_plan_root(c, vm_has_image(c), NULL, &plan, err, errlen)) < 0)
		return r;
	if (plan.mode == VM_MODE_OVERLAY && (r = make_overlay_dirs(c, err, errlen)) < 0)
		return r;
	if ((r = mount_root(b, c, &plan, err, errlen)) < 0 ||
	    (r = attach_disks(b, c, err, errlen)) < 0 ||
	    (r = prepare_fstab(b, c, plan.m[plan.n - 1].where, err, errlen)) < 0 ||
	    (r = open_binds(b, c, err, errlen)) < 0)
		return r;
	close_fd(&b->layerfd[0]);
	close_fd(&b->layerfd[1]);
	b->npremounted = b->nmounted;
	if ((r = vm_pivot(plan.m[plan.n - 1].where, err, errlen)) < 0)
		return r;
	b->pivoted = true;
	/* The disks first: a BINDS target may lie on one. */
	if ((r = vm_fstab_place(&b->fm, err, errlen)) < 0 ||
	    (r = mount_fixed(b, err, errlen)) < 0 || (r = make_dev(b, c, err, errlen)) < 0 ||
	    (r = place_binds(b, c, err, errlen)) < 0)
		return r;
	return 0;
}

int vm_build_root(const struct vm_config *c, struct vm_held *held, char *err, size_t errlen)
{
	struct build b = { .held = held, .layerfd = { -1, -1 } };
	int r;

	memset(held, 0, sizeof(*held));
	for (unsigned i = 0; i < VM_MAX_BINDS; i++)
		b.bindfd[i] = -1;
	if (c->ndisks > VM_MAX_DISKS || c->nbinds > VM_MAX_BINDS)
		return vm_fail(err, errlen, EINVAL, "too many DISKS or BINDS");
	r = build(&b, c, err, errlen);
	if (r < 0) {
		undo(&b, c);
		return r;
	}
	vm_fstab_close(&b.fm);
	for (unsigned i = 0; i < c->nbinds; i++)
		close_fd(&b.bindfd[i]);
	return 0;
}
