/* Pure: a vnode's resource limits, from their config values to what their cgroup v2 files
 * get (vnode.conf(5), LIMITS). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup.h"

#define PIDS_LIMIT 4194304ULL   /* the kernel's PID_MAX_LIMIT on 64-bit */
#define MEMORY_MIN (1ULL << 20)
#define WEIGHT_MAX 10000ULL     /* cpu.weight and io.weight: 1 to 10000 */

const struct limit_key limit_keys[LIM_N] = {
	[LIM_MEMORY_MAX] = { "MEMORY_MAX", "memory", "memory.max" },
	[LIM_MEMORY_HIGH] = { "MEMORY_HIGH", "memory", "memory.high" },
	[LIM_PIDS_MAX] = { "PIDS_MAX", "pids", "pids.max" },
	[LIM_CPU_MAX] = { "CPU_MAX", "cpu", "cpu.max" },
	[LIM_CPU_WEIGHT] = { "CPU_WEIGHT", "cpu", "cpu.weight" },
	[LIM_IO_WEIGHT] = { "IO_WEIGHT", "io", "io.weight" },
};

/* Digits, then nothing or K, M, G or T (powers of 1024). */
static int parse_size(const char *s, unsigned long long *out)
{
	static const struct { char c; int shift; } unit[] = { { 0, 0 }, { 'K', 10 }, { 'M', 20 },
							      { 'G', 30 }, { 'T', 40 } };
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	for (unsigned i = 0; !errno && i < sizeof(unit) / sizeof(unit[0]); i++)
		if (*end == unit[i].c && (!unit[i].c || !end[1])) {
			if (n > (~0ULL >> 1) >> unit[i].shift)
				return -1;
			*out = n << unit[i].shift;
			return 0;
		}
	return -1;
}

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end || *out < 1 || *out > max ? -1 : 0;
}

/* "N%" of one CPU, or a number of CPUs ("1.5"), into a quota per CPU_PERIOD_US. */
static int parse_cpu(const char *s, unsigned long long *quota)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	double x = strtod(s, &end);
	bool pct = *end == '%';
	if (end == s || end[pct] != 0 || x <= 0 || x > 1e6)
		return -1;
	*quota = (unsigned long long)(x * (double)(pct ? CPU_PERIOD_US / 100 : CPU_PERIOD_US) + 0.5);
	return 0;
}

int limit_parse(enum limit i, const char *val, unsigned ncpu, struct vnode_limits *l,
		char *why, size_t len)
{
	unsigned long long *v = &l->v[i];
	switch (i) {
	case LIM_MEMORY_MAX:
	case LIM_MEMORY_HIGH:
		if (parse_size(val, v) == 0 && *v >= MEMORY_MIN)
			return 0;
		snprintf(why, len, "must be a size of at least 1M (bytes, or with K, M, G or T), not '%s'",
			 val);
		return -EINVAL;
	case LIM_PIDS_MAX:
		if (strcmp(val, "max") == 0)
			return *v = LIMIT_NONE, 0;
		if (parse_count(val, PIDS_LIMIT, v) == 0)
			return 0;
		snprintf(why, len, "must be a whole number from 1 to %llu, or max, not '%s'", PIDS_LIMIT,
			 val);
		return -EINVAL;
	case LIM_CPU_MAX:
		if (parse_cpu(val, v) < 0 || *v < CPU_PERIOD_US / 100) {
			snprintf(why, len, "must be a share of the CPUs of at least 1%%: a percentage of one "
				 "CPU (50%%) or a number of CPUs (1.5), not '%s'", val);
			return -EINVAL;
		}
		if (*v <= ncpu * CPU_PERIOD_US)
			return 0;
		snprintf(why, len, "%s is more than this host's %u CPU%s (%u%%)", val, ncpu,
			 ncpu == 1 ? "" : "s", ncpu * 100);
		return -EINVAL;
	case LIM_CPU_WEIGHT:
	case LIM_IO_WEIGHT:
		if (parse_count(val, WEIGHT_MAX, v) == 0)
			return 0;
		snprintf(why, len, "must be a whole number from 1 to %llu (100 is the default), not '%s'",
			 WEIGHT_MAX, val);
		return -EINVAL;
	case LIM_N:
		break;
	}
	snprintf(why, len, "not a limit");
	return -EINVAL;
}

enum limit limits_conflict(const struct vnode_limits *l)
{
	if (l->v[LIM_MEMORY_HIGH] && l->v[LIM_MEMORY_MAX] &&
	    l->v[LIM_MEMORY_HIGH] > l->v[LIM_MEMORY_MAX])
		return LIM_MEMORY_HIGH;
	return LIM_N;
}

int limit_format(const struct vnode_limits *l, enum limit i, char *buf, size_t len)
{
	unsigned long long v = l->v[i];
	if (v == LIMIT_UNSET)
		return -1;
	if (v == LIMIT_NONE)
		snprintf(buf, len, "max");
	else if (i == LIM_CPU_MAX)
		snprintf(buf, len, "%llu %llu", v, CPU_PERIOD_US);
	else if (i == LIM_IO_WEIGHT)
		snprintf(buf, len, "default %llu", v);
	else
		snprintf(buf, len, "%llu", v);
	return 0;
}

unsigned long long pids_default(unsigned long long pid_max)
{
	return pid_max / 8 < 16384 ? pid_max / 8 : 16384;
}

unsigned long long limits_tmpfs_size(const struct vnode_limits *l)
{
	unsigned long long m = l->v[LIM_MEMORY_MAX], h = l->v[LIM_MEMORY_HIGH];
	if (!m || (h && h < m))
		m = h;
	return m / 2;
}

bool limits_set(const struct vnode_limits *l)
{
	for (unsigned i = 0; i < LIM_N; i++)
		if (l->v[i] != LIMIT_UNSET)
			return true;
	return false;
}
