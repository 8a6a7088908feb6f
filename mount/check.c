/* vm_check: on the host, before anything is created, everything about a vnode's
 * filesystem config that can be checked. Each error line names the object. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "shared.h"
#include "vmerr.h"
#include "vmount.h"

/* Filesystems overlayfs refuses (or mishandles) as the upper layer. */
static const struct {
	unsigned long magic;
	const char *name;
} bad_upper[] = {
	{ 0x794c7630, "overlayfs" }, { 0x4d44, "vfat/msdos" },  { 0x6969, "nfs" },
	{ 0xff534d42, "cifs" },      { 0xfe534d42, "smb2" },    { 0x9660, "iso9660" },
	{ 0x73717368, "squashfs" },  { 0x2011bab0, "exfat" },   { 0x5346544e, "ntfs" },
	{ 0x65735546, "fuse" },      { 0x28cd3d45, "cramfs" },  { 0xe0f5e1e2, "erofs" },
};

/* Opens an image once, for the check and (kept) for the build. -errno, err naming it. */
static int open_image(const char *label, const char *image, bool ro, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(image, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0 && errno == ENOENT)
		return vm_fail(err, errlen, errno, "%s: image: %s", label, strerror(errno));
	/* open, not access(): root passes access() checks that open can still fail */
	if (fd < 0 && errno == EISDIR)
		return vm_fail(err, errlen, EISDIR, "%s: image is not a file (a directory)", label);
	if (fd < 0 && errno == ENXIO && stat(image, &st) == 0)  /* a socket */
		return vm_fail(err, errlen, EINVAL, "%s: image is not a file (%s)", label,
			       vm_file_kind(st.st_mode));
	if (fd < 0)
		return vm_fail(err, errlen, errno, "%s: image not %s: %s", label,
			       ro ? "readable" : "readable and writable", strerror(errno));
	/* O_NONBLOCK only so that a FIFO cannot hang the open; it is refused here */
	int r = fstat(fd, &st) < 0 || fcntl(fd, F_SETFL, 0) < 0 ? -errno : 0;
	if (r == 0 && !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		r = vm_fail(err, errlen, EINVAL, "%s: image is not a file (%s)", label,
			    vm_file_kind(st.st_mode));
	else if (r < 0)
		vm_fail(err, errlen, -r, "%s: image: %s", label, strerror(-r));
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* The path the kernel will show as the loop device's backing file. */
static const char *fd_path(int fd, const char *fallback, char *buf, size_t len)
{
	char link[32];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, len - 1);
	if (n <= 0)
		return fallback;
	buf[n] = 0;
	return buf;
}

/* Only the root needs a filesystem: a blank data disk is mkfs'ed inside. */
static int probe_disk(unsigned i, const struct vm_disk *d, int fd, struct vm_extent *x,
		      char *err, size_t errlen)
{
	char real[PATH_MAX];
	int r = vm_probe_fd(fd, d->part, VM_PROBE_FS_SAFE, x, err, errlen);

	if (r == -ENOMEDIUM && i > 0) {
		x->blank = true;
		r = 0;
	}
	if (!r && !x->blank && !vm_fs_supported(x->fstype))
		r = vm_fail(err, errlen, ENODEV, "filesystem %s is not supported by this kernel",
			    x->fstype);
	if (!r)
		r = vm_loop_conflict(fd_path(fd, d->image, real, sizeof(real)), x->offset, x->size,
				     d->ro, err, errlen);
	return r;
}

static int check_disk(unsigned i, const struct vm_disk *d, const struct vm_config *c,
		      struct vm_extent *keep, int *keep_fd, char *err, size_t errlen)
{
	char label[PATH_MAX + 64];
	struct vm_extent x;
	int fd, r;

	snprintf(label, sizeof(label), "DISKS[%u] %s:%u:%s", i, d->node, d->part, d->image);
	if (!vm_node_name_ok(d->node))
		return vm_fail(err, errlen, EINVAL, "DISKS[%u] %s: node name is not a plain word", i,
			       d->node);
	for (unsigned j = 0; j < i; j++)
		if (!strcmp(c->disks[j].node, d->node) && c->disks[j].part == d->part)
			return vm_fail(err, errlen, EINVAL, "DISKS[%u] %s:%u: same node as DISKS[%u]",
				       i, d->node, d->part, j);
	if ((fd = open_image(label, d->image, d->ro, err, errlen)) < 0)
		return fd;
	if ((r = probe_disk(i, d, fd, &x, err, errlen)) < 0) {
		close(fd);
		vm_prefix(err, errlen, "%s", label);
		return r;
	}
	if (keep) {
		*keep = x;
		*keep_fd = fd;
	} else {
		close(fd);
	}
	return 0;
}

static int check_dir(const char *label, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return vm_fail(err, errlen, errno, "%s %s: %s", label, path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return vm_fail(err, errlen, ENOTDIR, "%s %s: not a directory", label, path);
	return 0;
}

/* Mode c: root/ (or dir, if root/ is still to be made) must be an fs overlayfs
 * takes as upper, and writable. */
static int check_upper(const struct vm_config *c, char *err, size_t errlen)
{
	char root[PATH_MAX];
	struct statfs sf;
	const char *p = root;

	snprintf(root, sizeof(root), "%s/root", c->dir);
	if (access(root, F_OK) < 0)
		p = c->dir;
	if (statfs(p, &sf) < 0)
		return vm_fail(err, errlen, errno, "overlay upper %s: %s", p, strerror(errno));
	for (unsigned i = 0; i < sizeof(bad_upper) / sizeof(bad_upper[0]); i++)
		if ((unsigned long)sf.f_type == bad_upper[i].magic)
			return vm_fail(err, errlen, EINVAL,
				       "overlay upper %s: on %s, which overlayfs cannot use as upper layer",
				       p, bad_upper[i].name);
	if (sf.f_flags & ST_RDONLY)
		return vm_fail(err, errlen, EROFS, "overlay upper %s: read-only filesystem", p);
	return 0;
}

static int check_bind(unsigned i, const struct vm_bind *b, char *err, size_t errlen)
{
	struct stat st;

	if (stat(b->src, &st) < 0)
		return vm_fail(err, errlen, errno, "BINDS[%u] %s:%s: source: %s", i, b->src, b->dst,
			       strerror(errno));
	if (S_ISFIFO(st.st_mode))  /* a channel between host and vnode, never what is meant */
		return vm_fail(err, errlen, EINVAL, "BINDS[%u] %s:%s: source is a FIFO (a directory, "
			       "a file, a socket or a device is bound)", i, b->src, b->dst);
	return 0;
}

/* The vnode's own root/ and work/ are used where they are, never through a link. */
static int check_not_link(const char *dir, const char *sub, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return vm_fail(err, errlen, ELOOP, "%s/ (%s): a symbolic link, not a directory: "
			       "refused", sub, path);
	return 0;
}

/* Mode d: NAME.img holds root/ and work/. */
static int check_img(const char *img, int *keep_fd, char *err, size_t errlen)
{
	char real[PATH_MAX];
	struct vm_extent x;
	int fd = open_image(img, img, false, err, errlen), r;

	if (fd < 0)
		return fd;
	r = vm_probe_fd(fd, 0, VM_PROBE_FS_SAFE, &x, err, errlen);
	if (!r && !vm_fs_supported(x.fstype))
		r = vm_fail(err, errlen, ENODEV, "filesystem %s is not supported", x.fstype);
	if (!r)
		r = vm_loop_conflict(fd_path(fd, img, real, sizeof(real)), 0, 0, 0, err, errlen);
	if (r) {
		close(fd);
		vm_prefix(err, errlen, "%s", img);
		return r;
	}
	if (keep_fd)
		*keep_fd = fd;
	else
		close(fd);
	return 0;
}

bool vm_has_image(const struct vm_config *c)
{
	char img[PATH_MAX];
	if (c->ndisks)
		return false;
	if (c->resolved)
		return c->img_fd >= 0;
	vm_image_path(c, img, sizeof(img));
	return access(img, F_OK) == 0;
}

/* keep, keep_fd: NULL (check only), or where each disk's probe and open image go;
 * keep_fd[VM_MAX_DISKS] is NAME.img's. */
static int check(const struct vm_config *c, struct vm_extent *keep, int *keep_fd, char *err,
		 size_t errlen)
{
	struct vm_plan plan;
	char img[PATH_MAX];
	int r;

	if (!c->name || !vnode_name_valid(c->name))
		return vm_fail(err, errlen, EINVAL, "invalid vnode name \"%s\" (" VNODE_NAME_RULE ")",
			       c->name ? c->name : "");
	if (!c->dir || c->dir[0] != '/')
		return vm_fail(err, errlen, EINVAL, "vnode %s: directory \"%s\" is not absolute",
			       c->name, c->dir ? c->dir : "");
	if (c->ndisks > VM_MAX_DISKS || c->nbinds > VM_MAX_BINDS)
		return vm_fail(err, errlen, EINVAL, "vnode %s: too many DISKS or BINDS", c->name);
	if ((r = check_dir("vnode directory", c->dir, err, errlen)) < 0)
		return r;
	for (unsigned i = 0; i < c->ndisks; i++)
		if ((r = check_disk(i, &c->disks[i], c, keep ? &keep[i] : NULL,
				    keep_fd ? &keep_fd[i] : NULL, err, errlen)) < 0)
			return r;
	if ((r = vm_plan_root(c, vm_has_image(c), NULL, &plan, err, errlen)) < 0)
		return r;
	if (c->base && plan.mode != VM_MODE_DISK &&
	    (r = check_dir("BASE", c->base, err, errlen)) < 0)
		return r;
	switch (plan.mode) {
	case VM_MODE_DISK:
		break;
	case VM_MODE_BIND:
		snprintf(img, sizeof(img), "%s/root", c->dir);
		if ((r = check_not_link(c->dir, "root", err, errlen)) == 0)
			r = check_dir("root", img, err, errlen);
		break;
	case VM_MODE_OVERLAY:
		if ((r = check_not_link(c->dir, "root", err, errlen)) == 0 &&
		    (r = check_not_link(c->dir, "work", err, errlen)) == 0)
			r = check_upper(c, err, errlen);
		break;
	case VM_MODE_IMAGE:
		vm_image_path(c, img, sizeof(img));
		r = check_img(img, keep_fd ? &keep_fd[VM_MAX_DISKS] : NULL, err, errlen);
		break;
	}
	if (r)
		return r;
	for (unsigned i = 0; i < c->nbinds; i++)
		if ((r = check_bind(i, &c->binds[i], err, errlen)) < 0)
			return r;
	return 0;
}

int vm_check(const struct vm_config *c, char *err, size_t errlen)
{
	return check(c, NULL, NULL, err, errlen);
}

static void close_all(int *fd, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

int vm_resolve(struct vm_config *c, char *err, size_t errlen)
{
	struct vm_extent x[VM_MAX_DISKS];
	int fd[VM_MAX_DISKS + 1], r;

	vm_release(c);
	memset(x, 0, sizeof(x));
	for (unsigned i = 0; i <= VM_MAX_DISKS; i++)
		fd[i] = -1;
	if ((r = check(c, x, fd, err, errlen)) < 0) {
		close_all(fd, VM_MAX_DISKS + 1);
		return r;
	}
	for (unsigned i = 0; i < c->ndisks; i++) {
		c->disks[i].x = x[i];
		c->disks[i].fd = fd[i];
	}
	c->img_fd = fd[VM_MAX_DISKS];
	c->resolved = true;
	return 0;
}

void vm_release(struct vm_config *c)
{
	if (!c->resolved)
		return;
	for (unsigned i = 0; i < c->ndisks; i++)
		if (c->disks[i].fd >= 0)
			close(c->disks[i].fd);
	if (c->img_fd >= 0)
		close(c->img_fd);
	c->resolved = false;
}
