/* vm_prepare: on the host, every mount a vnode's root is made of, detached, and
 * idmapped to the vnode's user namespace when it has one (see vmount.h). Nothing
 * here is attached anywhere: closing the fds undoes it all. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disks.h"
#include "vmerr.h"
#include "vmount.h"

/* Filesystems a kernel may refuse to idmap, and since when it does not (the kernel's
 * FS_ALLOW_IDMAP): for the one line that says why a vnode cannot boot unprivileged. */
static const struct { unsigned long magic; const char *name, *since; } idmappable[] = {
	{ 0x01021994, "tmpfs", "6.3" }, { 0x9123683e, "btrfs", "5.15" },
	{ 0x58465342, "xfs", "5.12" },  { 0xef53, "ext4", "5.12" },
};

/* The running kernel's release, if it is older than since ("6.3"); NULL if not. */
static const char *older_than(const char *since, struct utsname *u)
{
	unsigned maj, min, want_maj, want_min;
	if (uname(u) < 0 || sscanf(u->release, "%u.%u", &maj, &min) != 2 ||
	    sscanf(since, "%u.%u", &want_maj, &want_min) != 2)
		return NULL;
	return maj < want_maj || (maj == want_maj && min < want_min) ? u->release : NULL;
}

static int idmap(int fd, const struct vm_idmap *im, const char *what, char *err, size_t errlen)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned)im->userns_fd };
	struct statfs fs;
	struct utsname u;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) == 0)
		return 0;
	int e = errno;
	for (unsigned i = 0; e == EINVAL && fstatfs(fd, &fs) == 0 && i < sizeof(idmappable) / sizeof(idmappable[0]); i++)
		if ((unsigned long)fs.f_type == idmappable[i].magic && older_than(idmappable[i].since, &u))
			return vm_fail(err, errlen, e, "%s: its %s cannot be idmapped by this kernel (%s; "
				       "%s needs Linux %s): use another filesystem, or PRIVILEGED=yes",
				       what, idmappable[i].name, u.release, idmappable[i].name,
				       idmappable[i].since);
	return vm_fail(err, errlen, e, "%s: idmapped mount: %s", what, strerror(e));
}

/* A detached copy of the tree at path (submounts too), read-only if asked, idmapped
 * when im is set: its fd, or -errno. */
static int clone_tree(const char *what, const char *path, bool ro, const struct vm_idmap *im,
		      char *err, size_t errlen)
{
	struct mount_attr rdonly = { .attr_set = MOUNT_ATTR_RDONLY };
	int fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return vm_fail(err, errlen, errno, "%s open_tree %s: %s", what, path, strerror(errno));
	int r = 0;
	if (ro && mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &rdonly, sizeof(rdonly)) < 0)
		r = vm_fail(err, errlen, errno, "%s: make %s read-only: %s", what, path, strerror(errno));
	if (!r && im)
		r = idmap(fd, im, what, err, errlen);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* DISKS[i], or NAME.img with i < 0, on a loop device and mounted, detached: its fd.
 * nodev: a device node on an image is the image's to forge. */
static int mount_image(const struct vm_config *c, int i, int *nr, struct vm_extent *x,
		       const struct vm_idmap *im, char *err, size_t errlen)
{
	const struct vm_disk *d = i >= 0 ? &c->disks[i] : NULL;
	char dev[32], label[64], img[PATH_MAX];
	if (d)
		snprintf(label, sizeof(label), "DISKS[%d] %s", i, d->node);
	else
		snprintf(label, sizeof(label), "%s.img", c->name);
	vm_image_path(c, img, sizeof(img));
	int fd = !c->resolved ? -1 : d ? d->fd : c->img_fd;
	int lfd = vm_attach(label, d ? d->image : img, fd, d ? d->part : 0, d && d->ro,
			    c->resolved && d ? &d->x : NULL, false, nr, x, err, errlen);
	if (lfd < 0)
		return lfd;
	snprintf(dev, sizeof(dev), "/dev/loop%d", *nr);
	int mfd = vm_mount_detached(dev, x->fstype, "", MOUNT_ATTR_NODEV, d && d->ro, err, errlen);
	close(lfd);  /* the mount holds the device now: autoclear acts when it goes */
	if (mfd < 0) {
		vm_prefix(err, errlen, "%s", label);
		return mfd;
	}
	int r = im ? idmap(mfd, im, label, err, errlen) : 0;
	if (r < 0)
		close(mfd);
	return r < 0 ? r : mfd;
}

/* The root's mounts, by mode (see vm_prepared). nr, x: DISKS[0]'s loop and probe. */
static int prepare_root(struct vm_prepared *p, const struct vm_config *c, int *nr,
			struct vm_extent *x, const struct vm_idmap *im, char *err, size_t errlen)
{
	char path[PATH_MAX + 8];
	int r = 0;
	p->mode = vm_select_mode(c, vm_has_image(c));
	switch (p->mode) {
	case VM_MODE_DISK:
		p->root = mount_image(c, 0, &nr[0], &x[0], im, err, errlen);
		break;
	case VM_MODE_IMAGE:
		p->root = mount_image(c, -1, &(int){ 0 }, &(struct vm_extent){ 0 }, im, err, errlen);
		break;
	case VM_MODE_BIND:
		snprintf(path, sizeof(path), "%s/root", c->dir);
		p->root = clone_tree("root", path, false, im, err, errlen);
		break;
	case VM_MODE_OVERLAY:
		snprintf(path, sizeof(path), "%s/work", c->dir);
		if ((r = vm_mkdir_p(path, 0700, err, errlen)) < 0)
			return r;
		snprintf(path, sizeof(path), "%s/root", c->dir);
		if ((r = vm_mkdir_p(path, 0755, err, errlen)) < 0)
			return r;
		p->root = clone_tree("root/ and work/", c->dir, false, im, err, errlen);
		break;
	}
	if (p->root < 0)
		return p->root;
	if (c->base && (p->mode == VM_MODE_OVERLAY || p->mode == VM_MODE_IMAGE) &&
	    (p->lower = clone_tree("BASE", c->base, true, im, err, errlen)) < 0)
		return p->lower;
	snprintf(path, sizeof(path), "%s/live", c->dir);  /* where the child assembles it */
	return vm_mkdir_p(path, 0755, err, errlen);
}

/* DISKS beyond the root: attached (a blank one too) and held; the image's fstab
 * lines for them as detached mounts, idmapped. */
static int prepare_disks(struct vm_prepared *p, const struct vm_config *c, int *nr,
			 struct vm_extent *x, const struct vm_idmap *im, char *err, size_t errlen)
{
	char label[64];
	int r;
	for (unsigned i = 1; i < c->ndisks; i++) {
		const struct vm_disk *d = &c->disks[i];
		snprintf(label, sizeof(label), "DISKS[%u] %s", i, d->node);
		int lfd = vm_attach(label, d->image, c->resolved ? d->fd : -1, d->part, d->ro,
				    c->resolved ? &d->x : NULL, true, &nr[i], &x[i], err, errlen);
		if (lfd < 0)
			return lfd;
		p->held.fd[p->held.n++] = lfd;
	}
	if (c->ndisks < 2)
		return 0;
	if ((r = vm_fstab_prepare(c, p->root, nr, x, &p->held, &p->fm, err, errlen)) < 0)
		return r;
	for (unsigned i = 0; im && i < p->fm.n; i++)
		if (p->fm.mfd[i] >= 0 && (r = idmap(p->fm.mfd[i], im, p->fm.e[i].dir, err, errlen)) < 0)
			return r;
	return 0;
}

static int prepare_binds(struct vm_prepared *p, const struct vm_config *c,
			 const struct vm_idmap *im, char *err, size_t errlen)
{
	char what[32];
	for (unsigned i = 0; i < c->nbinds; i++) {
		snprintf(what, sizeof(what), "BINDS[%u]", i);
		if ((p->bind[i] = clone_tree(what, c->binds[i].src, c->binds[i].ro, im, err, errlen)) < 0)
			return p->bind[i];
	}
	return 0;
}

/* One entry of the /dev tmpfs, made through its detached root (dfd); owned by root
 * inside. */
static int dev_entry(int dfd, const char *name, mode_t mode, dev_t rdev, const char *target,
		     const struct vm_idmap *im, char *err, size_t errlen)
{
	int r = target ? symlinkat(target, dfd, name) :
		S_ISDIR(mode) ? mkdirat(dfd, name, mode & 07777) : mknodat(dfd, name, mode, rdev);
	/* mknod and mkdir apply the umask; the table's mode is what we mean */
	if (!r && !target)
		r = fchmodat(dfd, name, mode & 07777, 0);
	if (!r && im)
		r = fchownat(dfd, name, im->uid, im->gid, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		return vm_fail(err, errlen, errno, "/dev/%s: %s", name, strerror(errno));
	return 0;
}

/* The vnode's /dev: a tmpfs mounted by the host, so that its nodes work, with the
 * table's nodes and links, and DISKS' nodes on their loop devices. */
static int prepare_dev(struct vm_prepared *p, const struct vm_config *c, const int *nr,
		       const struct vm_idmap *im, char *err, size_t errlen)
{
	static const char *const dirs[] = { "pts", "shm", "net" };
	char node[48];
	int r = 0;
	p->dev = vm_mount_detached("tmpfs", "tmpfs", "mode=755,size=1024k,nr_inodes=1024",
				   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false, err, errlen);
	if (p->dev < 0)
		return p->dev;
	if (im && fchownat(p->dev, "", im->uid, im->gid, AT_EMPTY_PATH) < 0)
		return vm_fail(err, errlen, errno, "/dev: %s", strerror(errno));
	for (unsigned i = 0; !r && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		r = dev_entry(p->dev, dirs[i], S_IFDIR | 0755, 0, NULL, im, err, errlen);
	for (unsigned i = 0; !r && i < vm_ndevnodes; i++) {
		const struct vm_devnode *n = &vm_devnodes[i];
		r = dev_entry(p->dev, n->name, S_IFCHR | n->mode, makedev(n->major, n->minor), NULL,
			      im, err, errlen);
	}
	for (unsigned i = 0; !r && i < vm_ndevlinks; i++)
		if (!c->console || strcmp(vm_devlinks[i].name, "console"))
			r = dev_entry(p->dev, vm_devlinks[i].name, 0, 0, vm_devlinks[i].target, im,
				      err, errlen);
	if (!r && c->console)  /* the mount point of the console tty's bind */
		r = dev_entry(p->dev, "console", S_IFREG | 0600, 0, NULL, im, err, errlen);
	if (!r && c->console && (p->console = clone_tree("/dev/console", c->console, false, NULL,
							 err, errlen)) < 0)
		r = p->console;
	for (unsigned i = 0; !r && i < c->ndisks; i++) {
		vm_disk_node(&c->disks[i], node, sizeof(node));
		r = dev_entry(p->dev, node, S_IFBLK | 0660, makedev(VM_LOOP_MAJOR, (unsigned)nr[i]),
			      NULL, im, err, errlen);
	}
	return r;
}

unsigned vm_prepared_fds(struct vm_prepared *p, int *slot[], unsigned max)
{
	unsigned n = 0;
	int *all[VM_PREPARED_MAX_FDS], k = 0;
	all[k++] = &p->root, all[k++] = &p->lower, all[k++] = &p->dev, all[k++] = &p->sys;
	all[k++] = &p->live, all[k++] = &p->console, all[k++] = &p->cgroup;
	for (unsigned i = 0; i < VM_MAX_BINDS; i++)
		all[k++] = &p->bind[i];
	for (unsigned i = 0; i < p->fm.n; i++)
		all[k++] = &p->fm.mfd[i];
	for (unsigned i = 0; i < p->held.n; i++)
		all[k++] = &p->held.fd[i];
	for (int i = 0; i < k; i++)
		if (*all[i] >= 0 && n < max)
			slot[n++] = all[i];
	return n;
}

void vm_prepared_close(struct vm_prepared *p)
{
	int *slot[VM_PREPARED_MAX_FDS];
	unsigned n = vm_prepared_fds(p, slot, VM_PREPARED_MAX_FDS);
	for (unsigned i = 0; i < n; i++) {
		close(*slot[i]);
		*slot[i] = -1;
	}
	p->held.n = 0;
	p->fm.n = 0;
}

int vm_cgroupfs(char *err, size_t errlen)
{
	return vm_mount_detached("cgroup2", "cgroup2", "",
				 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false, err, errlen);
}

static void prepared_init(struct vm_prepared *p)
{
	memset(p, 0, sizeof(*p));
	p->root = p->lower = p->dev = p->sys = p->live = p->console = p->cgroup = -1;
	for (unsigned i = 0; i < VM_MAX_BINDS; i++)
		p->bind[i] = -1;
}

int vm_prepare(const struct vm_config *c, const struct vm_idmap *im, struct vm_prepared *p,
	       char *err, size_t errlen)
{
	int nr[VM_MAX_DISKS] = { 0 };
	struct vm_extent x[VM_MAX_DISKS];
	int r;
	prepared_init(p);
	memset(x, 0, sizeof(x));
	if (c->ndisks > VM_MAX_DISKS || c->nbinds > VM_MAX_BINDS)
		return vm_fail(err, errlen, EINVAL, "too many DISKS or BINDS");
	if ((r = prepare_root(p, c, nr, x, im, err, errlen)) < 0 ||
	    (r = prepare_disks(p, c, nr, x, im, err, errlen)) < 0 ||
	    (r = prepare_binds(p, c, im, err, errlen)) < 0 ||
	    (r = prepare_dev(p, c, nr, im, err, errlen)) < 0)
		goto fail;
	if (c->host_net && (p->sys = clone_tree("/sys", "/sys", true, NULL, err, errlen)) < 0) {
		r = p->sys;
		goto fail;
	}
	return 0;
fail:
	vm_prepared_close(p);
	return r;
}
