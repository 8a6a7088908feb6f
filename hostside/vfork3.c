/* clone3 as vfork: the child runs fn(arg) on a stack of its own in this process's memory
 * (CLONE_VM | CLONE_VFORK), and this process sleeps until it exits. Unlike fork, nothing
 * of this process's page tables is copied: the launcher is large, and a fork of it costs
 * more than the whole cgroup does (bench/cgroup.sh). glibc's clone() does this for the
 * legacy clone call only, which has no CLONE_INTO_CGROUP; on an architecture without the
 * trampoline below, the child is a fork-like copy instead (slower, the same otherwise). */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cgroup.h"

#define CHILD_STACK (1u << 20)  /* what fn's child (clone_by_helper's init) runs on too */
#define GUARD 4096u

#if defined(__x86_64__)
/* long vfork3_run(struct clone_args *a, size_t size, int (*fn)(void *), void *arg): the
 * parent returns the syscall's value; the child, on the new stack, calls fn(arg) and
 * exits with its value. r8 and r9 survive the syscall, in both. */
long vfork3_run(struct clone_args *a, size_t size, int (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl vfork3_run\n"
	".type vfork3_run,@function\n"
	"vfork3_run:\n"
	"	movq %rdx, %r8\n"
	"	movq %rcx, %r9\n"
	"	movl $435, %eax\n"  /* SYS_clone3 */
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jnz 1f\n"
	"	xorl %ebp, %ebp\n"
	"	movq %r9, %rdi\n"
	"	callq *%r8\n"
	"	movl %eax, %edi\n"
	"	movl $60, %eax\n"   /* SYS_exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size vfork3_run, .-vfork3_run\n");
#define VFORK_FLAGS (CLONE_VM | CLONE_VFORK)
#else
static long vfork3_run(struct clone_args *a, size_t size, int (*fn)(void *), void *arg)
{
	a->stack = 0, a->stack_size = 0;
	long pid = syscall(SYS_clone3, a, size);
	if (pid == 0)
		_exit(fn(arg));
	return pid < 0 ? -errno : pid;
}
#define VFORK_FLAGS 0
#endif

pid_t cgroup_vfork(unsigned long long flags, int cgfd, int (*fn)(void *), void *arg)
{
	char *stack = mmap(NULL, CHILD_STACK + GUARD, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	if (mprotect(stack, GUARD, PROT_NONE) < 0) {
		int e = errno;
		munmap(stack, CHILD_STACK + GUARD);
		errno = e;
		return -1;
	}
	struct clone_args a = { .flags = flags | VFORK_FLAGS, .exit_signal = SIGCHLD,
				.stack = (uintptr_t)(stack + GUARD), .stack_size = CHILD_STACK,
				.cgroup = (unsigned)cgfd };
	long r = vfork3_run(&a, sizeof(a), fn, arg);
	munmap(stack, CHILD_STACK + GUARD);  /* the child has exited, or never ran */
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (pid_t)r;
}
