/*
 * bindings/scanlog.c - scan_log's C side: one maillog scanner per call
 * of scan_log, fed chunks by the script, handing back the events each
 * chunk completed (convert/scanlog.c gives them the CLI's keys).
 */
#include <stdlib.h>
#include <string.h>

#include "api_util.h"
#include "scanlog.h"

struct dsngb_scan {
	struct dsng_maillog *s; /* talloc child of this struct */
	char *file;             /* NULL for lines not from a file */
	int finished;
	int busy; /* a feed runs without the GIL: one thread at a time */
};

void dsngb_scan_free(struct dsngb_scan *s)
{
	talloc_free(s);
}

struct dsngb_scan *scan_new(const char *file, size_t max_line,
                            size_t max_tracked, size_t max_pending,
                            size_t max_rcpts, size_t max_recipients_tracked,
                            size_t max_clients_tracked, struct dsng_error *err)
{
	struct dsngb_scan *sc = talloc_zero(NULL, struct dsngb_scan);
	struct dsng_maillog_opts o;

	if (!sc)
		return dsngb_nomem(err);
	dsng_maillog_opts_init(&o, DSNG_MAILLOG_OPTS_VERSION);
#define SETLIM(f)                                                              \
	if (f)                                                                 \
		o.f = f;
	SETLIM(max_line)
	SETLIM(max_tracked)
	SETLIM(max_pending)
	SETLIM(max_rcpts)
	SETLIM(max_recipients_tracked)
	SETLIM(max_clients_tracked)
#undef SETLIM
	if (file && !(sc->file = talloc_strdup(sc, file))) {
		talloc_free(sc);
		return dsngb_nomem(err);
	}
	if (dsng_maillog_new(sc, &sc->s, &o, err) != DSNG_OK) {
		/* a limit out of range is the script's mistake */
		talloc_free(sc);
		return NULL;
	}
	return sc;
}

dsngb_result scan_feed(struct dsngb_scan *sc, const char *buf, size_t len,
                       int last, struct dsng_error *err)
{
	struct dsng_maillog_event *ev;
	void *list, *gil;
	int rc = DSNG_OK;

	if (!sc)
		return dsngb_misuse(err, "not a scanner");
	if (sc->finished)
		return dsngb_misuse(err, "the scan is finished");
	/* set and tested with the GIL held, so two threads sharing one scan
	 * cannot both be inside the scanner */
	if (sc->busy)
		return dsngb_misuse(err,
		                    "the scan is in use by another thread");
	sc->busy = 1;
	/* megabytes of log: other threads run meanwhile */
	gil = dsngb_native_unlock();
	if (len)
		rc = dsng_maillog_feed(sc->s, buf, len, err);
	if (rc == DSNG_OK && last) {
		rc = dsng_maillog_finish(sc->s, err);
		sc->finished = 1;
	}
	dsngb_native_relock(gil);
	sc->busy = 0;
	if (rc != DSNG_OK)
		return NULL;
	list = dsngb_native.list_new();
	while (dsng_maillog_next(NULL, &ev, sc->s) == DSNG_OK && ev) {
		void *m = dsngb_native.map_new();

		dsngb_maillog_event_fill(&dsngb_native, m, ev, sc->file,
		                         ev->line);
		dsngb_native.list_push(list, m);
		talloc_free(ev);
	}
	return dsngb_finish(list, err);
}

dsngb_result scan_summary(struct dsngb_scan *sc, struct dsng_error *err)
{
	struct dsng_maillog_summary *sum = NULL;
	void *m;

	if (!sc)
		return dsngb_misuse(err, "not a scanner");
	if (dsng_maillog_summary(NULL, &sum, sc->s, err) != DSNG_OK)
		return NULL;
	m = dsngb_native.map_new();
	dsngb_maillog_summary_fill(&dsngb_native, m, sum, sc->file);
	talloc_free(sum);
	return dsngb_finish(m, err);
}
