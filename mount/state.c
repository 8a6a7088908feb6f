/* vm_remove_state: for `vnode kill`, the vnode's own writable layers go. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmerr.h"
#include "vmount.h"

/* Mode d keeps its layers inside NAME.img: a child in a private mount namespace
 * mounts it and clears them, and its exit releases the mount and loop device. */
static int clear_image(const struct vm_config *c, char *err, size_t errlen)
{
	char img[PATH_MAX], mnt[PATH_MAX], sub[PATH_MAX + 8], dev[32];
	struct vm_extent x;
	int status, nr;
	pid_t pid;

	vm_image_path(c, img, sizeof(img));
	snprintf(mnt, sizeof(mnt), "%s/mnt", c->dir);
	int r = vm_probe_image(img, 0, &x, err, errlen);
	if (r < 0) {
		vm_prefix(err, errlen, "%s", img);
		return r;
	}
	pid = fork();
	if (pid < 0)
		return vm_fail(err, errlen, errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    vm_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err, errlen) < 0 ||
		    vm_mkdir_p(mnt, 0755, err, errlen) < 0)
			_exit(1);
		int lfd = vm_loop_attach(img, -1, x.offset, x.size, 0, &nr, err, errlen);
		snprintf(dev, sizeof(dev), "/dev/loop%d", nr);
		if (lfd < 0 || vm_mount(dev, mnt, x.fstype, 0, NULL, err, errlen) < 0)
			_exit(1);
		close(lfd);
		snprintf(sub, sizeof(sub), "%s/root", mnt);
		if (vm_clear_dir(sub, err, errlen) < 0)
			_exit(1);
		snprintf(sub, sizeof(sub), "%s/work", mnt);
		_exit(vm_clear_dir(sub, err, errlen) < 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return vm_fail(err, errlen, errno, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return vm_fail(err, errlen, EIO, "%s: could not clear mnt/root and mnt/work", img);
	return 0;
}

int vm_remove_state(const struct vm_config *c, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int r;

	switch (vm_select_mode(c, vm_has_image(c))) {
	case VM_MODE_DISK:
	case VM_MODE_BIND:
		return 0;
	case VM_MODE_IMAGE:
		return clear_image(c, err, errlen);
	case VM_MODE_OVERLAY:
		snprintf(path, sizeof(path), "%s/root", c->dir);
		if ((r = vm_clear_dir(path, err, errlen)) < 0)
			return r;
		snprintf(path, sizeof(path), "%s/work", c->dir);
		return vm_clear_dir(path, err, errlen);
	}
	return 0;
}
