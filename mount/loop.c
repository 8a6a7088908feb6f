/* Loop devices: attach an image range with autoclear, so the kernel releases it
 * when the last mount of it (in the vnode's namespace) goes away. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vmerr.h"
#include "vmount.h"

/* Another process may take the free device between GET_FREE and our configure. */
#define LOOP_RACE_RETRIES 64

static const char *loop_ioctl_name(unsigned long req)
{
	switch (req) {
	case LOOP_CTL_GET_FREE: return "LOOP_CTL_GET_FREE";
	case LOOP_CONFIGURE: return "LOOP_CONFIGURE";
	case LOOP_SET_FD: return "LOOP_SET_FD";
	case LOOP_SET_STATUS64: return "LOOP_SET_STATUS64";
	case LOOP_CLR_FD: return "LOOP_CLR_FD";
	default: return "ioctl";
	}
}

/* The one checked wrapper for loop ioctls: -errno, "IOCTL DEV: strerror". */
static int loop_ioctl(int fd, unsigned long req, unsigned long arg, const char *dev,
		      char *err, size_t errlen)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		return vm_fail(err, errlen, errno, "%s %s: %s", loop_ioctl_name(req), dev,
			       strerror(errno));
	return r;
}

/* Opens /dev/loopN, making the node when /dev is not a devtmpfs. */
static int open_loop(int nr, char *dev, size_t len, char *err, size_t errlen)
{
	int fd;

	snprintf(dev, len, "/dev/loop%d", nr);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (mknod(dev, S_IFBLK | 0660, makedev(VM_LOOP_MAJOR, (unsigned)nr)) < 0 && errno != EEXIST)
			return vm_fail(err, errlen, errno, "mknod %s: %s", dev, strerror(errno));
		fd = open(dev, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0)
		return vm_fail(err, errlen, errno, "open %s: %s", dev, strerror(errno));
	return fd;
}

/* For kernels without LOOP_CONFIGURE: two ioctls, and a window where the device
 * is bound but not yet limited to the range. */
static int set_fd_status(int lfd, int ifd, const struct loop_info64 *info, const char *dev,
			 char *err, size_t errlen)
{
	int r = loop_ioctl(lfd, LOOP_SET_FD, (unsigned long)ifd, dev, err, errlen);

	if (r < 0)
		return r;
	r = loop_ioctl(lfd, LOOP_SET_STATUS64, (unsigned long)info, dev, err, errlen);
	if (r < 0)
		ioctl(lfd, LOOP_CLR_FD, 0); /* best effort: the error above is the one to report */
	return r;
}

int vm_loop_attach(const char *image, int image_fd, unsigned long long offset,
		   unsigned long long size, int ro, int *nr, char *err, size_t errlen)
{
	struct loop_config cfg;
	char dev[32];
	int ctl, ifd = image_fd, lfd = -1, r = 0;
	static int no_configure; /* remembered: saves a failing ioctl per attach */

	if (ifd < 0) {
		ifd = open(image, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (ifd < 0)
			return vm_fail(err, errlen, errno, "open %s: %s", image, strerror(errno));
	}
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		r = vm_fail(err, errlen, errno, "open /dev/loop-control: %s", strerror(errno));
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned)ifd;
	cfg.info.lo_offset = offset;
	cfg.info.lo_sizelimit = size;
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (ro ? LO_FLAGS_READ_ONLY : 0);
	snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", image);
	for (int tries = 0; tries < LOOP_RACE_RETRIES; tries++) {
		r = loop_ioctl(ctl, LOOP_CTL_GET_FREE, 0, "/dev/loop-control", err, errlen);
		if (r < 0)
			break;
		*nr = r;
		lfd = open_loop(*nr, dev, sizeof(dev), err, errlen);
		if (lfd < 0) {
			r = lfd;
			break;
		}
		if (!no_configure) {
			r = loop_ioctl(lfd, LOOP_CONFIGURE, (unsigned long)&cfg, dev, err, errlen);
			if (r == -EINVAL || r == -ENOTTY)
				no_configure = 1;
		}
		if (no_configure)
			r = set_fd_status(lfd, ifd, &cfg.info, dev, err, errlen);
		if (r != -EBUSY)
			break;
		close(lfd);
		lfd = -1;
	}
	close(ctl);
	if (r < 0 && lfd >= 0)
		close(lfd);
	if (r >= 0)
		r = lfd;
out:
	if (image_fd < 0)
		close(ifd); /* the loop device holds its own reference to the file */
	return r;
}

/* What loop device NAME (loopN) is attached to, from the device itself: its backing
 * file's device and inode (a path in sysfs is written from the reader's root, and an
 * attach from another mount namespace can show a path cut short at a bind mount), its
 * offset, size limit and whether it is read-only. -1 when it is not attached. */
static int loop_status(const char *name, struct loop_info64 *li)
{
	char dev[32];
	snprintf(dev, sizeof(dev), "/dev/%.24s", name);
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = ioctl(fd, LOOP_GET_STATUS64, li);
	close(fd);
	return r;
}

int vm_loop_conflict(const char *image, unsigned long long offset,
		     unsigned long long size, int ro, char *err, size_t errlen)
{
	unsigned long long end = size ? offset + size : ~0ULL;
	struct loop_info64 li;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r = 0;

	if (stat(image, &st) < 0)
		return vm_fail(err, errlen, errno, "%s", strerror(errno));
	d = opendir("/sys/block");
	if (!d)
		return 0; /* no sysfs: nothing to compare against */
	while (!r && (de = readdir(d))) {
		if (strncmp(de->d_name, "loop", 4) != 0 || loop_status(de->d_name, &li) < 0 ||
		    li.lo_device != st.st_dev || li.lo_inode != st.st_ino)
			continue;
		unsigned long long o = li.lo_offset, s = li.lo_sizelimit;
		int other_ro = (li.lo_flags & LO_FLAGS_READ_ONLY) != 0;
		if ((ro && other_ro) || o >= end || (s && o + s <= offset))
			continue;
		r = vm_fail(err, errlen, EBUSY,
			    "already attached %s as /dev/%s (offset %llu), in use by another vnode?",
			    other_ro ? "read-only" : "read-write", de->d_name, o);
	}
	closedir(d);
	return r;
}
