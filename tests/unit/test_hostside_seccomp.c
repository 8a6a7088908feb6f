/* Unit tests for hostside/seccomp.c: the filter run by a small interpreter of the BPF
 * it uses, against the syscall numbers: what the table refuses is refused with EPERM,
 * what a distro needs is allowed, and another ABI is refused whole. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <linux/sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "vnode.h"

#define DENY (SECCOMP_RET_ERRNO | EPERM)

/* Runs the program on one system call; fails the test on an instruction it does not
 * know (the filter must stay this simple) or a jump out of the program. */
static uint32_t run_args4(uint32_t arch, int nr, uint64_t arg0, uint64_t arg3)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { arg0, 0, 0, arg3 } };
	unsigned n;
	const struct sock_filter *f = seccomp_program(&n);
	uint32_t a = 0;
	for (unsigned pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(i->k + 4 <= sizeof(d));
			memcpy(&a, (const char *)&d + i->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			fail_msg("instruction %u: code %#x", pc, i->code);
		}
	}
	fail_msg("ran off the end of the program");
	return 0;
}

static uint32_t run_args(uint32_t arch, int nr, uint64_t arg0)
{
	return run_args4(arch, nr, arg0, 0);
}

static uint32_t run(uint32_t arch, int nr)
{
	return run_args(arch, nr, 0);
}

static void refuses_what_the_peers_refuse(void **state)
{
	(void)state;
	static const int refused[] = {
		SYS_kexec_load, SYS_kexec_file_load, SYS_open_by_handle_at, SYS_init_module,
		SYS_finit_module, SYS_delete_module, SYS_bpf, SYS_perf_event_open, SYS_add_key,
		SYS_request_key, SYS_keyctl, SYS_swapon, SYS_swapoff, SYS_quotactl, SYS_quotactl_fd,
		SYS_iopl, SYS_ioperm, SYS_acct, SYS_lookup_dcookie, SYS_settimeofday,
		SYS_clock_settime, SYS_clock_adjtime, SYS_adjtimex, SYS_uselib, SYS_userfaultfd,
	};
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (run(AUDIT_ARCH_X86_64, refused[i]) != DENY)
			fail_msg("syscall %d is not refused", refused[i]);
}

static void allows_what_a_distro_needs(void **state)
{
	(void)state;
	static const int allowed[] = {
		SYS_read, SYS_write, SYS_openat, SYS_execve, SYS_clone, SYS_mount,
		SYS_umount2, SYS_pivot_root, SYS_unshare, SYS_setns, SYS_reboot, SYS_ptrace,
		SYS_name_to_handle_at, SYS_mknodat, SYS_sethostname, SYS_socket, SYS_prctl,
		SYS_seccomp, SYS_io_uring_setup, SYS_clock_gettime, SYS_unshare, SYS_clone, 0,
	};
	for (unsigned i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (run(AUDIT_ARCH_X86_64, allowed[i]) != SECCOMP_RET_ALLOW)
			fail_msg("syscall %d is refused", allowed[i]);
}

static void no_cgroup_namespace_of_its_own(void **state)
{
	(void)state;
	assert_int_equal(run_args(AUDIT_ARCH_X86_64, SYS_unshare, CLONE_NEWCGROUP), DENY);
	assert_int_equal(run_args(AUDIT_ARCH_X86_64, SYS_unshare, CLONE_NEWNS | CLONE_NEWCGROUP), DENY);
	assert_int_equal(run_args(AUDIT_ARCH_X86_64, SYS_clone, CLONE_NEWCGROUP | SIGCHLD), DENY);
	assert_int_equal(run_args(AUDIT_ARCH_X86_64, SYS_unshare, CLONE_NEWNS | CLONE_NEWNET),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(run_args(AUDIT_ARCH_X86_64, SYS_clone, CLONE_NEWPID | SIGCHLD),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(run(AUDIT_ARCH_X86_64, SYS_clone3), SECCOMP_RET_ERRNO | ENOSYS);
}

/* mount(2)'s flags are its fourth argument. */
static void read_only_binds_stay_read_only(void **state)
{
	(void)state;
	assert_int_equal(run_args4(AUDIT_ARCH_X86_64, SYS_mount, 0, MS_REMOUNT | MS_BIND), DENY);
	assert_int_equal(run_args4(AUDIT_ARCH_X86_64, SYS_mount, 0, MS_REMOUNT | MS_BIND | MS_NOSUID),
			 DENY);
	assert_int_equal(run_args4(AUDIT_ARCH_X86_64, SYS_mount, 0, MS_REMOUNT | MS_BIND | MS_RDONLY),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(run_args4(AUDIT_ARCH_X86_64, SYS_mount, 0, MS_REMOUNT), SECCOMP_RET_ALLOW);
	assert_int_equal(run_args4(AUDIT_ARCH_X86_64, SYS_mount, 0, MS_BIND | MS_REC), SECCOMP_RET_ALLOW);
	assert_int_equal(run_args4(AUDIT_ARCH_X86_64, SYS_mount, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run(AUDIT_ARCH_X86_64, SYS_mount_setattr), SECCOMP_RET_ERRNO | ENOSYS);
}

static void another_abi_is_refused_whole(void **state)
{
	(void)state;
	assert_int_equal(run(AUDIT_ARCH_I386, 3 /* i386 read */), DENY);
	assert_int_equal(run(AUDIT_ARCH_X86_64, 0x40000000 | SYS_read), DENY);  /* x32 */
	assert_int_equal(run(AUDIT_ARCH_AARCH64, SYS_read), DENY);
}

static void stays_small(void **state)
{
	(void)state;
	unsigned n;
	seccomp_program(&n);
	assert_true(n < 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_what_the_peers_refuse),
		cmocka_unit_test(allows_what_a_distro_needs),
		cmocka_unit_test(no_cgroup_namespace_of_its_own),
		cmocka_unit_test(read_only_binds_stay_read_only),
		cmocka_unit_test(another_abi_is_refused_whole),
		cmocka_unit_test(stays_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
