/* The vnode's seccomp filter: what the peers deny a container, refused with EPERM.
 * The BPF program is a constant, built by the compiler from the table below, so a boot
 * spends on it one prctl, not a compile (nspawn's costs it about 50 ms). x86-64 only:
 * another ABI (i386, x32) is refused whole, so that no number escapes the table. */
#include <errno.h>
#include <linux/sched.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "vnode.h"

#define X32_BIT 0x40000000u
#define DENY (SECCOMP_RET_ERRNO | EPERM)
#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
/* nr: the next instruction returns DENY; else it is skipped */
#define REFUSE(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), RET(DENY)
#define REFUSE_WITH(nr, e) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	RET(SECCOMP_RET_ERRNO | (e))
/* nr with flag in its first argument refused, without it allowed; others skip it all */
#define REFUSE_FLAG(nr, flag) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4), \
	LOAD(args[0]), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (flag), 0, 1), RET(DENY), \
	RET(SECCOMP_RET_ALLOW)

static const struct sock_filter program[] = {
	LOAD(arch),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	RET(DENY),
	LOAD(nr),
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_BIT, 0, 1),
	RET(DENY),
	/* the kernel itself: a new one, modules, raw ports */
	REFUSE(SYS_kexec_load), REFUSE(SYS_kexec_file_load),
	REFUSE(SYS_init_module), REFUSE(SYS_finit_module), REFUSE(SYS_delete_module),
	REFUSE(SYS_iopl), REFUSE(SYS_ioperm),
	/* kernel memory and other processes' events */
	REFUSE(SYS_bpf), REFUSE(SYS_perf_event_open), REFUSE(SYS_lookup_dcookie),
	/* the host's files by handle (the shocker escape), its accounting, quotas, swap */
	REFUSE(SYS_open_by_handle_at), REFUSE(SYS_acct), REFUSE(SYS_quotactl),
	REFUSE(SYS_quotactl_fd), REFUSE(SYS_swapon), REFUSE(SYS_swapoff),
	/* the keyrings are not namespaced */
	REFUSE(SYS_add_key), REFUSE(SYS_request_key), REFUSE(SYS_keyctl),
	/* the host's clock */
	REFUSE(SYS_settimeofday), REFUSE(SYS_clock_settime), REFUSE(SYS_clock_adjtime),
	REFUSE(SYS_adjtimex),
	/* old and unneeded */
	REFUSE(SYS_uselib), REFUSE(SYS_userfaultfd),
	/* A cgroup namespace of its own would let root mount cgroupfs (a v1 hierarchy's
	 * release_agent); the one it has is the host's root's (launch.c). clone3's flags are
	 * out of reach in memory: ENOSYS, and libc falls back to clone. */
	REFUSE_FLAG(SYS_unshare, CLONE_NEWCGROUP), REFUSE_FLAG(SYS_clone, CLONE_NEWCGROUP),
	REFUSE_WITH(SYS_clone3, ENOSYS),
	/* A read-only mount made by the host (BINDS :ro, NETWORK=host's /sys) is not locked
	 * in the vnode's mount namespace: refuse the bind remount that would make it
	 * read-write, and mount_setattr, whose attributes are out of reach in memory
	 * (ENOSYS: libmount falls back to mount(2)). */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mount, 0, 5), LOAD(args[3]),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, MS_REMOUNT | MS_BIND | MS_RDONLY),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MS_REMOUNT | MS_BIND, 0, 1), RET(DENY),
	RET(SECCOMP_RET_ALLOW),
	REFUSE_WITH(SYS_mount_setattr, ENOSYS),
	RET(SECCOMP_RET_ALLOW),
};

const struct sock_filter *seccomp_program(unsigned *n)
{
	*n = sizeof(program) / sizeof(program[0]);
	return program;
}

int seccomp_apply(char *err, size_t errlen)
{
	struct sock_fprog prog = { .len = sizeof(program) / sizeof(program[0]),
				   .filter = (struct sock_filter *)program };
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return vnode_err(err, errlen, errno, "seccomp filter: %s", strerror(errno));
	return 0;
}
