/* mount_bench: time vnode root set-up against the usual tools, medians of N runs.
 *   mount_bench N IMAGE PART DIR
 * DIR holds live/ (the mount point). Prints one "name median_us" line per figure:
 *   probe_attach_mount  libblkid probe + LOOP_CONFIGURE + ext4 mount (in-process)
 *   build_root          all of vm_build_root: root, /dev, /proc, /sys, pivot_root
 *   teardown            vnode's last process exits -> loop device released
 *   losetup_mount       `losetup -f --show -o --sizelimit` + `mount` (two execs)
 *   losetup_teardown    `umount` + `losetup -d` (two execs)
 * All mounts happen in private mount namespaces. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmerr.h"
#include "vmount.h"
#include "bench_time.h"

#define MAXN 1000

static double now_us(void) { return bench_now_ms() * 1e3; }

static void report(const char *name, double *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	printf("%s %.1f\n", name, n ? v[n / 2] : -1.0);
}

static void die(const char *what)
{
	fprintf(stderr, "mount_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Busy-waits for /sys/block/loopN/loop/backing_file to vanish (up to 5 s). */
static int wait_released(int nr)
{
	char p[64];
	double end = now_us() + 5e6;

	snprintf(p, sizeof(p), "/sys/block/loop%d/loop/backing_file", nr);
	while (access(p, F_OK) == 0)
		if (now_us() > end)
			return -1;
	return 0;
}

static int run(char *const argv[], char *out, size_t outlen)
{
	int pfd[2], status;
	pid_t pid;

	if (pipe(pfd) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	ssize_t n = read(pfd[0], out, outlen ? outlen - 1 : 0);
	if (outlen)
		out[n > 0 ? n : 0] = 0;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int main(int argc, char **argv)
{
	static double t_am[MAXN], t_build[MAXN], t_down[MAXN], t_lm[MAXN], t_ld[MAXN];
	static double t_probe[MAXN], t_attach[MAXN], t_mnt[MAXN];
	char err[1024], live[PATH_MAX], off[32], size[32], dev[64];
	struct vm_config cfg = { .name = "bench" };
	struct vm_extent x;
	int n, part;

	if (argc != 5 || (n = atoi(argv[1])) <= 0 || n > MAXN)
		return fprintf(stderr, "usage: mount_bench N IMAGE PART DIR\n"), 2;
	part = atoi(argv[3]);
	cfg.dir = argv[4];
	snprintf(cfg.disks[0].node, sizeof(cfg.disks[0].node), "vda");
	snprintf(cfg.disks[0].image, sizeof(cfg.disks[0].image), "%s", argv[2]);
	cfg.disks[0].part = (unsigned)part;
	cfg.ndisks = 1;
	snprintf(live, sizeof(live), "%s/live", cfg.dir);
	if (getenv("BENCH_RESOLVE") && vm_resolve(&cfg, err, sizeof(err)) < 0)
		return fprintf(stderr, "mount_bench: %s\n", err), 1;
	if (vm_probe_image(argv[2], part, &x, err, sizeof(err)) < 0)
		return fprintf(stderr, "mount_bench: %s: %s\n", argv[2], err), 1;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("private mount namespace");
	mkdir(live, 0755);

	for (int i = 0; i < n; i++) {
		int pfd[2], status;
		double r[6];
		if (pipe(pfd) < 0)
			die("pipe");
		pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWPID | SIGCHLD,
					   NULL, NULL, NULL, 0);
		if (pid < 0)
			die("clone");
		if (pid == 0) {
			int nr, fd;
			/* 1: probe + attach + mount alone, then released by our exit */
			double t0 = now_us();
			if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
				_exit(1);
			fd = open(argv[2], O_RDWR | O_CLOEXEC);
			struct vm_extent y;
			if (fd < 0 || vm_probe_fd(fd, part, VM_PROBE_FS, &y, err, sizeof(err)) < 0)
				_exit(1);
			double t1 = now_us();
			int lfd = vm_loop_attach(argv[2], fd, y.offset, y.size, 0, &nr, err, sizeof(err));
			double t2 = now_us();
			snprintf(dev, sizeof(dev), "/dev/loop%d", nr);
			if (lfd < 0 || mount(dev, live, y.fstype, 0, NULL) < 0)
				_exit(1);
			r[3] = t1 - t0;
			r[4] = t2 - t1;
			r[5] = now_us() - t2;
			close(lfd);
			close(fd);
			r[0] = now_us() - t0;
			umount2(live, MNT_DETACH);
			if (wait_released(nr) < 0)
				_exit(1);
			/* 2: the whole vm_build_root */
			t0 = now_us();
			struct vm_held held;
			if (vm_build_root(&cfg, &held, err, sizeof(err)) < 0) {
				fprintf(stderr, "mount_bench: %s\n", err);
				_exit(1);
			}
			r[1] = now_us() - t0;
			r[2] = 0;
			struct stat st;
			if (stat("/dev/vda1", &st) == 0 || stat("/dev/vda", &st) == 0)
				r[2] = minor(st.st_rdev);
			r[2] = r[2] + 0.0;
			if (write(pfd[1], r, sizeof(r)) != sizeof(r))
				_exit(1);
			_exit(0);
		}
		close(pfd[1]);
		if (read(pfd[0], r, sizeof(r)) != sizeof(r))
			die("child failed");
		close(pfd[0]);
		/* teardown: from the vnode's last exit to the loop device released */
		double t0 = now_us();
		if (waitpid(pid, &status, 0) < 0 || status != 0)
			die("child status");
		if (wait_released((int)r[2]) < 0)
			die("loop device not released");
		t_down[i] = now_us() - t0;
		t_am[i] = r[0];
		t_build[i] = r[1];
		t_probe[i] = r[3];
		t_attach[i] = r[4];
		t_mnt[i] = r[5];
	}
	snprintf(off, sizeof(off), "%llu", (unsigned long long)x.offset);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)x.size);
	for (int i = 0; i < n; i++) {
		char *ls[] = { "losetup", "-f", "--show", "-o", off, "--sizelimit", size, argv[2], NULL };
		double t0 = now_us();
		if (run(ls, dev, sizeof(dev)) != 0)
			die("losetup -f");
		dev[strcspn(dev, "\n")] = 0;
		char *mt[] = { "mount", dev, live, NULL };
		if (run(mt, NULL, 0) != 0)
			die("mount");
		t_lm[i] = now_us() - t0;
		char *um[] = { "umount", live, NULL }, *ld[] = { "losetup", "-d", dev, NULL };
		t0 = now_us();
		if (run(um, NULL, 0) != 0 || run(ld, NULL, 0) != 0)
			die("umount/losetup -d");
		t_ld[i] = now_us() - t0;
	}
	report("probe_attach_mount", t_am, n);
	report("  probe", t_probe, n);
	report("  loop_configure", t_attach, n);
	report("  mount_ext4", t_mnt, n);
	report("build_root", t_build, n);
	report("teardown", t_down, n);
	report("losetup_mount", t_lm, n);
	report("losetup_teardown", t_ld, n);
	return 0;
}
