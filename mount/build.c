/* vm_build_root: in the vnode's fresh mount namespace, assemble the root on
 * DIR/live, pivot into it, then give it its own /dev, /proc, /sys and binds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vmerr.h"
#include "vmount.h"

#define MAX_UNDO (VM_PLAN_MAX + 8 + VM_MAX_BINDS)

/* What was made so far, released in reverse on failure. */
struct build {
	const char *mounted[MAX_UNDO];
	unsigned nmounted, npremounted; /* npremounted: made before pivot_root */
	int loopfd[VM_MAX_DISKS];
	dev_t dev[VM_MAX_DISKS];
	int bindfd[VM_MAX_BINDS];
	bool pivoted;
};

static void undo(struct build *b, const struct vm_config *c)
{
	/* After pivot_root the first mounts sit in the detached old root or are the
	 * root itself: they go when the namespace dies. */
	unsigned stop = b->pivoted ? b->npremounted : 0;

	while (b->nmounted > stop)
		vm_umount(b->mounted[--b->nmounted], MNT_DETACH, NULL, 0);
	for (unsigned i = 0; i < c->ndisks; i++)
		if (b->loopfd[i] >= 0)
			close(b->loopfd[i]);
	for (unsigned i = 0; i < c->nbinds; i++)
		if (b->bindfd[i] >= 0)
			close(b->bindfd[i]);
}

static int domount(struct build *b, const char *what, const char *where, const char *type,
		   unsigned long flags, const char *opts, char *err, size_t errlen)
{
	int r = vm_mount(what, where, type, flags, opts, err, errlen);

	if (!r && b->nmounted < MAX_UNDO)
		b->mounted[b->nmounted++] = where;
	return r;
}

/* Attaches one image (range of a partition) to an autoclear loop device: returns
 * the loop fd; the fs type goes to fstype. */
static int attach(const char *label, const char *image, unsigned part, bool ro,
		  const struct vm_extent *known, int *nr, char *fstype, size_t fslen,
		  char *err, size_t errlen)
{
	struct vm_extent x;
	int fd, lfd, r = 0;

	fd = open(image, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return vm_fail(err, errlen, errno, "%s: open %s: %s", label, image, strerror(errno));
	if (known && known->fstype[0])
		x = *known; /* probed by vm_resolve on the host */
	else
		r = vm_probe_fd(fd, part, VM_PROBE_FS, &x, err, errlen);
	if (r < 0) {
		close(fd);
		vm_prefix(err, errlen, "%s: %s", label, image);
		return r;
	}
	lfd = vm_loop_attach(image, fd, x.offset, x.size, ro, nr, err, errlen);
	close(fd);
	if (lfd < 0)
		vm_prefix(err, errlen, "%s: attach %s", label, image);
	snprintf(fstype, fslen, "%s", x.fstype);
	return lfd;
}

static int mount_root(struct build *b, const struct vm_config *c, struct vm_plan *p,
		      char *err, size_t errlen)
{
	char dev[32], fstype[32], label[64];
	int r, nr;

	for (unsigned i = 0; i < p->n; i++) {
		struct vm_mount *m = &p->m[i];
		if ((r = vm_mkdir_p(m->where, 0755, err, errlen)) < 0)
			return r;
		if (m->disk == VM_DISK_NONE) {
			if ((r = domount(b, m->what, m->where, m->type, m->flags, m->opts,
					 err, errlen)) < 0)
				return r;
			continue;
		}
		const struct vm_disk *d = m->disk >= 0 ? &c->disks[m->disk] : NULL;
		if (d)
			snprintf(label, sizeof(label), "DISKS[%d] %s", m->disk, d->node);
		else
			snprintf(label, sizeof(label), "%s.img", c->name);
		int lfd = attach(label, m->what, d ? d->part : 0, d && d->ro, d ? &d->x : NULL, &nr, fstype,
				 sizeof(fstype), err, errlen);
		if (lfd < 0)
			return lfd;
		snprintf(dev, sizeof(dev), "/dev/loop%d", nr);
		r = domount(b, dev, m->where, fstype, m->flags, m->opts, err, errlen);
		/* The mount holds the device now; our fd must go for autoclear to act. */
		close(lfd);
		if (r < 0) {
			vm_prefix(err, errlen, "%s", label);
			return r;
		}
		if (d)
			b->dev[m->disk] = makedev(7, nr);
	}
	return 0;
}

/* DISKS beyond the root: attached, and kept open (inherited by init) since an
 * autoclear device with no opener and no mount is released at once. */
static int attach_disks(struct build *b, const struct vm_config *c, char *err, size_t errlen)
{
	char fstype[32], label[64];
	int nr;

	for (unsigned i = 1; i < c->ndisks; i++) {
		const struct vm_disk *d = &c->disks[i];
		snprintf(label, sizeof(label), "DISKS[%u] %s", i, d->node);
		int lfd = attach(label, d->image, d->part, d->ro, &d->x, &nr, fstype, sizeof(fstype),
				 err, errlen);
		if (lfd < 0)
			return lfd;
		b->loopfd[i] = lfd;
		b->dev[i] = makedev(7, nr);
		if (fcntl(lfd, F_SETFD, 0) < 0)
			return vm_fail(err, errlen, errno, "%s: keep /dev/loop%d open: %s", label,
				       nr, strerror(errno));
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
	char path[64];
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
		const struct vm_disk *d = &c->disks[i];
		if (d->part)
			snprintf(path, sizeof(path), "/dev/%s%u", d->node, d->part);
		else
			snprintf(path, sizeof(path), "/dev/%s", d->node);
		if ((r = vm_mknod(path, S_IFBLK | 0660, b->dev[i], err, errlen)) < 0)
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

static int build(struct build *b, const struct vm_config *c, char *err, size_t errlen)
{
	struct vm_plan plan;
	char img[PATH_MAX];
	int r;

	/* First of all: nothing we mount may propagate back to the host. */
	if ((r = vm_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err, errlen)) < 0)
		return r;
	snprintf(img, sizeof(img), "%s/%s.img", c->dir, c->name);
	bool has_img = c->ndisks == 0 && access(img, F_OK) == 0;
	if ((r = vm_plan_root(c, has_img, &plan, err, errlen)) < 0)
		return r;
	if (plan.mode == VM_MODE_OVERLAY) {
		snprintf(img, sizeof(img), "%s/work", c->dir);
		if ((r = vm_mkdir_p(img, 0700, err, errlen)) < 0)
			return r;
		snprintf(img, sizeof(img), "%s/root", c->dir);
		if ((r = vm_mkdir_p(img, 0755, err, errlen)) < 0)
			return r;
	}
	if ((r = mount_root(b, c, &plan, err, errlen)) < 0 ||
	    (r = attach_disks(b, c, err, errlen)) < 0 ||
	    (r = open_binds(b, c, err, errlen)) < 0)
		return r;
	b->npremounted = b->nmounted;
	if ((r = vm_pivot(plan.m[plan.n - 1].where, err, errlen)) < 0)
		return r;
	b->pivoted = true;
	if ((r = mount_fixed(b, err, errlen)) < 0 || (r = make_dev(b, c, err, errlen)) < 0 ||
	    (r = place_binds(b, c, err, errlen)) < 0)
		return r;
	return 0;
}

int vm_build_root(const struct vm_config *c, char *err, size_t errlen)
{
	struct build b = { .nmounted = 0 };
	int r;

	for (unsigned i = 0; i < VM_MAX_DISKS; i++)
		b.loopfd[i] = -1;
	for (unsigned i = 0; i < VM_MAX_BINDS; i++)
		b.bindfd[i] = -1;
	if (c->ndisks > VM_MAX_DISKS || c->nbinds > VM_MAX_BINDS)
		return vm_fail(err, errlen, EINVAL, "too many DISKS or BINDS");
	r = build(&b, c, err, errlen);
	if (r < 0) {
		undo(&b, c);
		return r;
	}
	for (unsigned i = 0; i < c->nbinds; i++)
		if (b.bindfd[i] >= 0)
			close(b.bindfd[i]);
	return 0;
}
