/* Linux boot mounts and the initctl FIFO. Idempotent: whatever a launcher (vnode,
 * systemd-nspawn, LXC, Docker) already mounted is left alone, so vinit works the
 * same under all of them, under plain unshare, and in a VM. Failures are logged,
 * not fatal: an unprivileged container may not mount sysfs, and still boots. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "state.h"

#define INITCTL_PATH "/run/initctl"

static const struct boot_mount {
	const char *source, *target, *fstype;
	unsigned long flags;
	const char *data;
} boot_mounts[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755" },  /* only when /dev is empty */
	{ "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5" },
	{ "shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777" },
	{ "run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};

/* A directory is a mount point when it sits on another device than its parent,
 * or is its own parent (/). */
static bool is_mountpoint(const char *dir)
{
	char parent[64];
	struct stat a, b;
	if (strlen(dir) + 4 > sizeof(parent) || stat(dir, &a) < 0)
		return false;
	strcpy(parent, dir);
	strcat(parent, "/..");
	if (stat(parent, &b) < 0)
		return false;
	return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

static void boot_mount(const struct boot_mount *m)
{
	if (strcmp(m->target, "/dev") == 0 && file_exists("/dev/null"))
		return;
	if (mkdir(m->target, 0755) < 0 && errno != EEXIST) {
		verr("mkdir %s: %s", m->target, strerror(errno));
		return;
	}
	if (is_mountpoint(m->target))
		return;
	if (mount(m->source, m->target, m->fstype, m->flags, m->data) < 0)
		verr("mount %s on %s: %s", m->fstype, m->target, strerror(errno));
}

void boot_mount_all(void)
{
	for (unsigned i = 0; i < sizeof(boot_mounts) / sizeof(boot_mounts[0]); i++)
		boot_mount(&boot_mounts[i]);
	/* A private devpts instance serves ptys only through its own ptmx. */
	if (!file_exists("/dev/ptmx") && symlink("pts/ptmx", "/dev/ptmx") < 0)
		verr("symlink /dev/ptmx: %s", strerror(errno));
}

/* Creates /run/initctl (a FIFO, mode 0600) and opens it read-write: with a writer
 * always present (us), the last client's close never makes it read EOF forever. */
int initctl_open(void)
{
	struct stat st;
	int fd;

	if (lstat(INITCTL_PATH, &st) == 0 && !S_ISFIFO(st.st_mode) && unlink(INITCTL_PATH) < 0)
		verr("unlink %s: %s", INITCTL_PATH, strerror(errno));
	if (mkfifo(INITCTL_PATH, 0600) < 0 && errno != EEXIST) {
		verr("mkfifo %s: %s", INITCTL_PATH, strerror(errno));
		return -1;
	}
	if (chmod(INITCTL_PATH, 0600) < 0)
		verr("chmod %s: %s", INITCTL_PATH, strerror(errno));
	if ((fd = open(INITCTL_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
		verr("open %s: %s", INITCTL_PATH, strerror(errno));
	return fd;
}
