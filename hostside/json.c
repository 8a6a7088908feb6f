/* vnode status --json and list --json: the format fleet tools parse, not the tables
 * (vnode(8), JSON). Within a version, fields are only ever added, never renamed, retyped
 * or removed; "version" says which. */
#include <stdio.h>
#include <time.h>
#include "vnode.h"

#define JSON_VERSION 1

/* s as a JSON string: quotes, backslashes and control characters escaped. */
static void str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void field(const char *key, const char *val, bool more)
{
	printf("\"%s\":", key);
	if (val)
		str(val);
	else
		printf("null");
	if (more)
		putchar(',');
}

/* What it uses, from its cgroup's files: null where a file is missing, or no cgroup. */
static void usage(const char *cgroup)
{
	struct cgroup_usage u = { 0 };
	const long long *f[] = { &u.memory, &u.memory_peak, &u.pids, &u.pids_max, &u.io_rbytes,
				 &u.io_wbytes };
	static const char *const key[] = { "memory", "memory_peak", "pids", "pids_max",
					   "io_read_bytes", "io_write_bytes" };
	if (!*cgroup) {
		printf("null");
		return;
	}
	cgroup_usage(cgroup, &u);
	printf("{");
	field("cgroup", cgroup, true);
	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		printf(*f[i] < 0 ? "\"%s\":null," : "\"%s\":%lld,", key[i], *f[i]);
	if (u.cpu_usec < 0)
		printf("\"cpu_seconds\":null}");
	else
		printf("\"cpu_seconds\":%.6f}", (double)u.cpu_usec / 1e6);
}

/* What only the config says: the root, the network, the interfaces, the log. */
static void from_config(const struct vnode *v, const char *root, const char *network)
{
	printf(",");
	field("root", root, true);
	field("network", network, true);
	printf("\"interfaces\":[");
	for (unsigned i = 0; i < v->net.ncables; i++) {
		const struct vn_cable *c = &v->net.cables[i];
		char mac[18];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0], c->mac[1],
			 c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
		printf("%s{", i ? "," : "");
		field("name", c->peer_if, true);
		field("host", c->host_if, true);
		field("bridge", c->bridge[0] ? c->bridge : NULL, true);
		field("mac", mac, false);
		printf("}");
	}
	printf("],");
	field("log", v->id.logfile, false);
}

void json_vnode(const char *name, const char *state, const struct vnode_state *st,
		const struct vnode *v, const char *root, const char *network)
{
	long long up = st->init ? (long long)time(NULL) - st->started : 0;
	printf("{");
	field("name", name, true);
	field("state", state, true);
	printf("\"monitor\":%d,\"init\":%d,\"uptime\":%lld,\"boots\":%u,\"privileged\":%s,"
	       "\"uid\":%u,\"usage\":", (int)st->monitor, (int)st->init, up, st->boots,
	       !st->init ? "null" : st->uid ? "false" : "true", st->uid);
	usage(st->init ? st->cgroup : "");
	if (v)
		from_config(v, root, network);
	printf("}");
}

void json_list_begin(void)
{
	printf("{\"version\":%d,\"vnodes\":[", JSON_VERSION);
}

void json_list_end(void)
{
	printf("]}\n");
}

void json_status_begin(void)
{
	printf("{\"version\":%d,\"vnode\":", JSON_VERSION);
}

void json_status_end(void)
{
	printf("}\n");
}
