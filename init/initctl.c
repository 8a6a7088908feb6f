/* Decoder for sysvinit's struct init_request, as read from the /run/initctl FIFO.
 * A FIFO read can hold part of a request, several requests, or junk from a plain
 * `echo > /run/initctl`; the decoder keeps a partial record between reads, so split
 * and concatenated writes decode exactly, and anything that cannot be the start of a
 * request is reported once as invalid (which means poweroff). */
#include <stdint.h>
#include <string.h>
#include "initctl.h"

void initctl_init(struct initctl *d)
{
	memset(d, 0, sizeof(*d));
}

static int field(const unsigned char *rec, int i)
{
	int32_t v;
	memcpy(&v, rec + 4 * i, sizeof(v));
	return v;
}

static bool magic_prefix_ok(const unsigned char *buf, size_t fill)
{
	uint32_t magic = INITCTL_MAGIC;
	unsigned char m[4];
	memcpy(m, &magic, 4);
	return memcmp(buf, m, fill < 4 ? fill : 4) == 0;
}

/* INIT_HALT=HALT / POWEROFF in the NUL-separated data area; unset clears it. */
static void apply_env(struct initctl *d, const unsigned char *data, bool unset)
{
	size_t i = 0;
	while (i < INITCTL_DATA_SIZE && data[i]) {
		const char *s = (const char *)data + i;
		size_t n = strnlen(s, INITCTL_DATA_SIZE - i);
		if (unset && n == 9 && memcmp(s, "INIT_HALT", 9) == 0)
			d->halt_env = ACT_NONE;
		else if (!unset && n == 14 && memcmp(s, "INIT_HALT=HALT", 14) == 0)
			d->halt_env = ACT_HALT;
		else if (!unset && n == 18 && memcmp(s, "INIT_HALT=POWEROFF", 18) == 0)
			d->halt_env = ACT_POWEROFF;
		else if (!unset && n == 10 && memcmp(s, "INIT_HALT=", 10) == 0)
			d->halt_env = ACT_NONE;
		i += n + 1;
	}
}

static struct initctl_event decode(struct initctl *d, const unsigned char *rec)
{
	struct initctl_event e = { .kind = ICTL_OTHER, .action = ACT_NONE };
	e.cmd = field(rec, 1);
	e.runlevel = field(rec, 2);
	e.sleeptime = field(rec, 3) > 0 ? field(rec, 3) : 0;
	if (e.cmd == INITCTL_CMD_RUNLVL) {
		e.kind = ICTL_RUNLEVEL;
		if (e.runlevel == '0')
			e.action = d->halt_env == ACT_HALT ? ACT_HALT : ACT_POWEROFF;
		else if (e.runlevel == '6')
			e.action = ACT_REBOOT;
	} else if (e.cmd == INITCTL_CMD_SETENV || e.cmd == INITCTL_CMD_UNSETENV) {
		e.kind = ICTL_SETENV;
		apply_env(d, rec + 16, e.cmd == INITCTL_CMD_UNSETENV);
	}
	return e;
}

static struct initctl_event invalid(void)
{
	return (struct initctl_event){ .kind = ICTL_INVALID, .action = ACT_POWEROFF };
}

unsigned initctl_feed(struct initctl *d, const void *data, size_t len,
		      struct initctl_event *ev, unsigned max)
{
	const unsigned char *p = data;
	unsigned n = 0;

	while (len > 0 && n < max) {
		size_t take = INITCTL_SIZE - d->fill;
		if (take > len)
			take = len;
		memcpy(d->buf + d->fill, p, take);
		d->fill += take;
		p += take;
		len -= take;
		if (!magic_prefix_ok(d->buf, d->fill)) {
			/* Junk: the rest of this read belongs to the same bad write. */
			ev[n++] = invalid();
			d->fill = 0;
			return n;
		}
		if (d->fill == INITCTL_SIZE) {
			ev[n++] = decode(d, d->buf);
			d->fill = 0;
		}
	}
	return n;
}
