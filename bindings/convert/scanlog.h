/*
 * bindings/convert/scanlog.h - the keys of `dsnguard scan-log --json`
 * (DESIGN.md section 5) for a maillog event and summary, through a
 * struct dsngb_builder (walk.h), for the bindings' scan_log.
 */
#ifndef DSNGB_SCANLOG_H
#define DSNGB_SCANLOG_H

#include "walk.h"

/* Add an event's keys to map m: "event" ... "postmaster", and "file"
 * (file, none for NULL) and "line" (line). */
void dsngb_maillog_event_fill(const struct dsngb_builder *b, void *m,
                              const struct dsng_maillog_event *ev,
                              const char *file, unsigned long line);

/* Add the summary's keys to map m: "summary" (true), "events" ...
 * "client_count_error"; "files" is [file] or [] for NULL. */
void dsngb_maillog_summary_fill(const struct dsngb_builder *b, void *m,
                                const struct dsng_maillog_summary *sum,
                                const char *file);

#endif
