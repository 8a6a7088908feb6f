/* escape: the ways out of a container that the peers' CVEs taught, tried from inside a
 * vnode as its root. Each prints one line, "NAME blocked: why" or "NAME ESCAPED: what",
 * and changes nothing on the host even when it gets through: core_pattern is written
 * with the value it has, the host's disk is only read, kexec_load and init_module are
 * given arguments the kernel rejects after the permission check, the BPF program is a
 * two-instruction one never attached, and the cgroup hierarchy is mounted read-only.
 * Usage: escape DIR MAJOR MINOR (a scratch directory; a host disk), run from a read-only
 * bind (it tries to make that read-write). Static, so
 * that it runs in any image. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const char *dir;

static void say(const char *name, int escaped, const char *what)
{
	printf("%s %s: %s\n", name, escaped ? "ESCAPED" : "blocked", what);
}

static void said_errno(const char *name, int escaped, const char *what)
{
	char buf[160];
	snprintf(buf, sizeof(buf), "%s: %s", what, strerror(errno));
	say(name, escaped, buf);
}

/* core_pattern rewritten (with its own value) through proc at path. */
static void core_pattern(const char *name, const char *proc)
{
	char path[256], value[256];
	snprintf(path, sizeof(path), "%s/sys/kernel/core_pattern", proc);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, value, sizeof(value));
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return said_errno(name, 0, "read core_pattern");
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return said_errno(name, 0, "open core_pattern for writing");
	int w = (int)write(fd, value, (size_t)n);
	close(fd);
	if (w != n)
		return said_errno(name, 0, "write core_pattern");
	say(name, 1, "core_pattern written");
}

static void fresh_proc(void)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/proc", dir);
	mkdir(p, 0755);
	if (mount("proc", p, "proc", 0, NULL) < 0)
		return said_errno("core_pattern_fresh_proc", 0, "mount proc");
	core_pattern("core_pattern_fresh_proc", p);
	umount2(p, MNT_DETACH);
}

static void host_disk(unsigned maj, unsigned min)
{
	char p[256], buf[512];
	snprintf(p, sizeof(p), "%s/disk", dir);
	unlink(p);
	if (mknod(p, S_IFBLK | 0600, makedev(maj, min)) < 0)
		return said_errno("mknod_host_disk", 0, "mknod");
	int fd = open(p, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	unlink(p);
	if (n != (ssize_t)sizeof(buf))
		return said_errno("mknod_host_disk", 0, "read the node");
	say("mknod_host_disk", 1, "read the host's disk");
}

/* EPERM is the permission check; anything else means it was passed. */
static void kernel_calls(void)
{
	long r = syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0x80000000UL);  /* bad flags */
	if (r < 0 && errno == EPERM)
		said_errno("kexec_load", 0, "kexec_load");
	else
		say("kexec_load", 1, "past the permission check");
	r = syscall(SYS_init_module, NULL, 0UL, "");
	if (r < 0 && errno == EPERM)
		said_errno("init_module", 0, "init_module");
	else
		say("init_module", 1, "past the permission check");
}

/* A tracing program (kprobe type: r0 = 0; exit), loaded and never attached. */
static void bpf_tracing(void)
{
	struct bpf_insn insn[2] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
				    { .code = BPF_JMP | BPF_EXIT } };
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_KPROBE;
	a.insns = (unsigned long)insn;
	a.insn_cnt = 2;
	a.license = (unsigned long)"GPL";
	int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return said_errno("bpf_tracing", 0, "BPF_PROG_LOAD kprobe");
	close(fd);
	say("bpf_tracing", 1, "a tracing program loaded");
}

static void perf_system_wide(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	int fd = (int)syscall(SYS_perf_event_open, &a, -1, 0, -1, 0);  /* every process, cpu 0 */
	if (fd < 0)
		return said_errno("perf_system_wide", 0, "perf_event_open pid -1");
	close(fd);
	say("perf_system_wide", 1, "a system-wide perf event");
}

/* The shocker escape: the root inode (2) of the filesystem of each inherited fd. */
static void open_by_handle(void)
{
	struct { unsigned bytes; int type; unsigned ino, gen; } h = { 8, 1, 2, 0 };
	int tried = 0, e = 0;
	for (int fd = 0; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		tried++;
		int r = (int)syscall(SYS_open_by_handle_at, fd, &h, O_RDONLY | O_DIRECTORY);
		e = errno;
		if (r >= 0) {
			char what[64];
			close(r);
			snprintf(what, sizeof(what), "opened the root of fd %d's filesystem", fd);
			return say("open_by_handle_at", 1, what);
		}
	}
	char what[64];
	snprintf(what, sizeof(what), "through all %d inherited fds: %s", tried, strerror(e));
	say("open_by_handle_at", 0, what);
}

/* Both remounts tried; what counts is whether /sys is writable afterwards. */
static void sys_rw(void)
{
	struct statvfs st;
	int sb = mount(NULL, "/sys", NULL, MS_REMOUNT, NULL) == 0 ? 0 : errno;
	int bind = mount(NULL, "/sys", NULL, MS_REMOUNT | MS_BIND, NULL) == 0 ? 0 : errno;
	if (statvfs("/sys", &st) < 0)
		return said_errno("remount_sys_rw", 0, "statvfs /sys");
	char what[160];
	snprintf(what, sizeof(what), "remount: %s; bind remount: %s; /sys %s",
		 sb ? strerror(sb) : "done", bind ? strerror(bind) : "done",
		 st.f_flag & ST_RDONLY ? "still read-only" : "read-write");
	say("remount_sys_rw", !(st.f_flag & ST_RDONLY), what);
}

/* An existing v1 hierarchy (from /proc/self/cgroup), read-only, and its release_agent. */
static void cgroup_v1(void)
{
	char line[512], p[256], opts[300] = "", *c;
	FILE *f = fopen("/proc/self/cgroup", "re");
	while (f && !*opts && fgets(line, sizeof(line), f))
		if (line[0] != '0' && (c = strchr(line, ':')) && c[1] != ':')
			snprintf(opts, sizeof(opts), "%.*s", (int)strcspn(c + 1, ":"), c + 1);
	if (f)
		fclose(f);
	if (!*opts)
		return say("cgroup_v1_mount", 0, "no v1 hierarchy to try");
	snprintf(p, sizeof(p), "%s/cg", dir);
	mkdir(p, 0755);
	if (mount("cgroup", p, "cgroup", MS_RDONLY, opts) < 0)
		return said_errno("cgroup_v1_mount", 0, opts);
	snprintf(line, sizeof(line), "%s/release_agent", p);
	say("cgroup_v1_mount", 1, access(line, F_OK) == 0 ? "mounted, release_agent there" : "mounted");
	umount2(p, MNT_DETACH);
}

/* A read-only bind of the host's (this program itself, BINDS :ro) made read-write. */
static void ro_bind_rw(const char *path)
{
	struct statvfs st;
	int e = mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL) == 0 ? 0 : errno;
	if (statvfs(path, &st) < 0)
		return said_errno("remount_ro_bind_rw", 0, "statvfs");
	char what[160];
	snprintf(what, sizeof(what), "bind remount of %s: %s; it is %s", path, e ? strerror(e) : "done",
		 st.f_flag & ST_RDONLY ? "still read-only" : "read-write");
	say("remount_ro_bind_rw", !(st.f_flag & ST_RDONLY), what);
}

/* Opened only: a write would act. A mask (a device node, /dev/null, bound over it) opens
 * for writing even read-only, and takes the write to nowhere: that is blocked. */
static void sysrq(void)
{
	struct stat st;
	int fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0)
		return said_errno("sysrq_trigger", 0, "open /proc/sysrq-trigger for writing");
	bool real = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	say("sysrq_trigger", real, real ? "open for writing" : "masked: a device node is bound over it");
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: escape DIR MAJOR MINOR\n");
		return 2;
	}
	dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	core_pattern("core_pattern_sysctl", "/proc");
	fresh_proc();
	host_disk((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]));
	kernel_calls();
	bpf_tracing();
	perf_system_wide();
	open_by_handle();
	sys_rw();
	cgroup_v1();
	ro_bind_rw(argv[0]);
	sysrq();
	return 0;
}
