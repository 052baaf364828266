/*
 * tests/fuzz/fuzz_probe.c - the probe's state machine against a hostile
 * server: arbitrary bytes in arbitrary pieces, with timeouts, drops and
 * TLS results between them.  Checks that it always finishes in a bounded
 * number of steps, never sends DATA, and that the verdict agrees with the
 * facts it reports.
 *
 * Input: byte 0 = flags (bit 0 --starttls, bit 1 connect refused, bit 2
 * TLS fails); then pieces, each a length byte L and L bytes of server
 * output, where L >= 0xF8 is an event instead (timeout, closed, TLS ready,
 * TLS failed, an unexpected CONNECTED).
 */
#include <stdlib.h>
#include <string.h>

#include <dsnguard/dsnguard.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void event_of(struct dsng_probe *p, unsigned char b)
{
	static const enum dsng_probe_event evs[] = {
	        DSNG_PROBE_EV_TIMEOUT,   DSNG_PROBE_EV_CLOSED,
	        DSNG_PROBE_EV_TLS_READY, DSNG_PROBE_EV_TLS_FAILED,
	        DSNG_PROBE_EV_CONNECTED, DSNG_PROBE_EV_TIMEOUT,
	        DSNG_PROBE_EV_TLS_READY, DSNG_PROBE_EV_CLOSED};

	if (dsng_probe_event(p, evs[b - 0xF8], "fuzz") != DSNG_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dsng_probe_params pp = DSNG_PROBE_PARAMS_INIT;
	struct dsng_probe *p = NULL;
	const struct dsng_probe_result *r;
	size_t pos = 1, steps, max_steps = 64 + 4 * size;
	unsigned flags = size ? data[0] : 0;
	void *mem = talloc_new(NULL);

	if (!mem)
		abort();
	pp.mail_from = "spammer@forged.example";
	pp.rcpt_to = "user@mx.example.test";
	pp.starttls = flags & 1;
	if (dsng_probe_new(mem, &p, &pp, NULL) != DSNG_OK)
		abort();
	for (steps = 0;; steps++) {
		const char *line;
		size_t len;
		enum dsng_probe_action a = dsng_probe_next(p, &line, &len);

		if (steps > max_steps)
			abort(); /* a loop without input */
		if (a == DSNG_PROBE_DONE)
			break;
		if (a == DSNG_PROBE_CONNECT) {
			dsng_probe_event(p,
			                 flags & 2 ? DSNG_PROBE_EV_REFUSED
			                           : DSNG_PROBE_EV_CONNECTED,
			                 NULL);
			continue;
		}
		if (a == DSNG_PROBE_SEND) {
			if (!line || len < 2 || strlen(line) != len ||
			    line[len - 1] != '\n' || !strncmp(line, "DATA", 4))
				abort();
			continue;
		}
		if (a == DSNG_PROBE_STARTTLS && (flags & 4)) {
			dsng_probe_event(p, DSNG_PROBE_EV_TLS_FAILED, NULL);
			continue;
		}
		if (pos >= size) {
			dsng_probe_event(p, DSNG_PROBE_EV_CLOSED, NULL);
			continue;
		}
		if (data[pos] >= 0xF8) {
			event_of(p, data[pos++]);
			continue;
		}
		{
			size_t l = data[pos++];

			if (l > size - pos)
				l = size - pos;
			if (a == DSNG_PROBE_STARTTLS)
				dsng_probe_event(p, DSNG_PROBE_EV_TLS_READY,
				                 NULL);
			else if (dsng_probe_reply(p, (const char *)data + pos,
			                          l) != DSNG_OK)
				abort();
			pos += l;
		}
	}
	r = dsng_probe_result(p);
	if (!r || r->verdict == DSNG_PROBE_RUNNING)
		abort();
	switch (r->verdict) {
	case DSNG_PROBE_EXPOSED:
		if (!r->dsn_advertised || !r->rcpt.answered ||
		    !r->receipt_accepted || r->error_message)
			abort();
		break;
	case DSNG_PROBE_REFUSED:
		if (!r->dsn_advertised || r->receipt_accepted ||
		    !r->rcpt_plain.answered || r->rcpt_plain.code / 100 != 2)
			abort();
		break;
	case DSNG_PROBE_NOT_OFFERED:
		if (r->dsn_advertised || !r->rcpt.answered)
			abort();
		break;
	default:
		if (!r->error_message || !dsng_probe_step_name(r->error_step) ||
		    !dsng_probe_cause_name(r->error_cause) ||
		    r->error_cause == DSNG_PROBE_CAUSE_NONE)
			abort();
	}
	if (r->tls && !(flags & 1))
		abort();
	talloc_free(mem);
	return 0;
}
