/*
 * examples/cli/cli.h - what the dsnguard commands share: the command
 * table, exit codes (DESIGN.md section 5), and JSON helpers over jansson.
 */
#ifndef DSNG_CLI_H
#define DSNG_CLI_H

#include <stdio.h>

#include <jansson.h>
#include <talloc.h>

#include <dsnguard/dsnguard.h>

#include "walk.h"

/* Exit codes shared by every command (DESIGN.md section 5). */
enum { CLI_OK = 0, CLI_REJECTED = 1, CLI_USAGE = 2 };

/* Each command: argv[0] is the command name. */
int cli_parse_cmd(int argc, char **argv);
int cli_parse_ehlo(int argc, char **argv);
int cli_parse_report(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_scan_log(int argc, char **argv);
int cli_check_config(int argc, char **argv);
int cli_batv(int argc, char **argv);
int cli_probe(int argc, char **argv);
int cli_make_report(int argc, char **argv);
int cli_export_config(int argc, char **argv);

/* A JSON string from bytes that may not be UTF-8: invalid sequences and
 * NULs become U+FFFD, so jansson always accepts the result. */
json_t *cli_json_bytes(const char *p, size_t len);
/* The same for a span; JSON null when span.ptr is NULL. */
json_t *cli_json_span(struct dsng_span s);
/* JSON null for NULL, else a string (C string, sanitised as above). */
json_t *cli_json_str(const char *s);
/* The error object of DESIGN.md section 5: {code, offset, reply,
 * enhanced, message}, plus limit (the name of the limit exceeded) when
 * err->limit is set and line/column when set. */
json_t *cli_json_error(const struct dsng_error *err);
/* Builds jansson values for the shared walks of walk.h, so the JSON keys
 * are the ones the Python and Perl bindings give. */
extern const struct dsngb_builder cli_json_builder;
/* A JSON object {"ok": true} followed by what fill adds. */
json_t *cli_json_ok(void);

/* Print one object as one compact line on stdout and release it. */
void cli_json_print(json_t *obj);

/* Print "dsnguard: <fmt>" on stderr and return CLI_USAGE. */
int cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 1, 2)))
#endif
        ;

#endif
