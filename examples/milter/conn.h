/*
 * examples/milter/conn.h - the state of one milter connection (one SMTP
 * session): the policy it started with, the policy session, and the
 * changes of the current message that wait for end of message, the only
 * stage where libmilter lets a filter change recipients and headers.
 */
#ifndef DM_CONN_H
#define DM_CONN_H

#include "milter.h"

/* A recipient whose NOTIFY/ORCPT the policy rewrote (Postfix only). */
struct dm_rcpt_change {
	struct dm_rcpt_change *next;
	char *addr;   /* argv[0] of xxfi_envrcpt, "<...>" as the MTA gave it */
	char *params; /* the rewritten ESMTP parameters, "" for none */
	const char *action; /* strip, downgrade, never, ignore */
	const char *rule;
};

/* A receipt-request header to remove or flag. */
struct dm_hdr_change {
	struct dm_hdr_change *next;
	char *name;
	int index;       /* 1-based among headers of this name */
	bool flag;       /* add the flag header instead of removing */
	char *flag_text; /* "Name: value" for flag */
	const char *rule;
};

/* How many headers of one receipt-request name were seen. */
struct dm_hdr_count {
	struct dm_hdr_count *next;
	char *name;
	int n;
};

struct dm_txn {
	bool smtputf8;
	struct dm_rcpt_change *rcpts; /* newest first */
	struct dm_hdr_change *hdrs;   /* newest first */
	struct dm_hdr_count *counts;
	char *from;        /* MAIL's argv[0] when its parameters changed */
	char *from_params; /* the rewritten parameters */
	const char *from_action;
	const char *from_rule;
};

struct dm_conn {
	struct dm_policy *pol; /* the policy this connection started with */
	struct dsng_policy_session s;
	char addr[64]; /* client address as text, "" when none */
	char *client_name, *helo, *auth;
	enum dm_mta mta;
	unsigned mta_major, mta_minor;
	bool mta_forced;
	bool can_rcpt_par; /* SMFIF_ADDRCPT_PAR and SMFIF_DELRCPT offered */
	bool can_chgfrom;
	bool can_headers;
	bool counted;       /* in dm_active */
	struct dm_txn *txn; /* the current message, a talloc child */
};

#endif
