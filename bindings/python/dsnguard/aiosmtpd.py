"""RFC 3461 delivery status notification parameters for aiosmtpd servers.

aiosmtpd (1.4) refuses every MAIL and RCPT parameter it does not know with
555, so a server built on it answers NOTIFY, ORCPT, RET and ENVID with an
error and never learns what the client asked for.  This module gives such
servers the parameters and the policy:

    from dsnguard.aiosmtpd import Controller
    controller = Controller(handler, policy=dsnguard.Policy.preset(
        "recommended"), hostname="127.0.0.1", port=8025)
    controller.start()

The EHLO reply advertises DSN to the clients the policy offers it to;
MAIL and RCPT lines are parsed by libdsnguard (so ENVID and ORCPT arrive
decoded from xtext) and decided by the policy from what aiosmtpd knows of
the session: the peer address, the local port, TLS and AUTH.  A refused
command gets the policy's reply; a stripped or downgraded one goes on as
rewritten.  Receipt-request headers (Disposition-Notification-To and the
like) are decided too before the handler's handle_DATA sees the message.

The handler finds the decoded values in ``envelope.dsn``:

    {"ret": "FULL" | "HDRS" | None, "envid": str | None,
     "rcpts": [{"addr": str, "notify": [str] | None, "orcpt": str | None}]}

``notify`` None means the client did not send NOTIFY (RFC 3461's default
applies: FAILURE,DELAY); ``orcpt`` is "type;address" decoded.  Each
decision is also kept in ``envelope.dsn_decisions`` (a list of
dsnguard.Decision) for logging.
"""

import aiosmtpd.controller
import aiosmtpd.smtp
from aiosmtpd.smtp import MISSING

from . import ParseError, Policy, Session, parse_cmd, unfold

__all__ = ["SMTP", "Controller"]

# RFC 3461 section 4: RET and ENVID may lengthen a MAIL line by up to 112
# characters, NOTIFY and ORCPT a RCPT line by up to 500.
_MAIL_GROWTH = 112
_RCPT_GROWTH = 500

# The parameters this server understands; aiosmtpd's own answer (555) is
# kept for any other.
_MAIL_PARAMS = frozenset(("SIZE", "BODY", "SMTPUTF8", "RET", "ENVID"))
_RCPT_PARAMS = frozenset(("NOTIFY", "ORCPT"))



def _new_dsn():
    return {"ret": None, "envid": None, "rcpts": []}


def _checked_policy(policy):
    """The policy= of SMTP and Controller: a dsnguard.Policy, None for the
    "recommended" preset; anything else is a TypeError."""
    if policy is None:
        policy = Policy.preset("recommended")
    if not isinstance(policy, Policy):
        raise TypeError("policy must be a dsnguard.Policy")
    return policy


def _auth_user(session):
    """The SASL user aiosmtpd authenticated, as text (None if none)."""
    if not session.authenticated:
        return None
    data = session.auth_data
    login = getattr(data, "login", data)
    if isinstance(login, bytes):
        login = login.decode("utf-8", "replace")
    if login is None or login == "":
        return "authenticated"
    return str(login)


def _header_block(content):
    """Split a message (bytes) into its header lines and the rest: a list
    of (start, end, name) for each header field (continuations included)
    and the offset where the body starts."""
    fields = []
    pos = 0
    n = len(content)
    while pos < n:
        end = content.find(b"\n", pos)
        end = n if end < 0 else end + 1
        line = content[pos:end]
        if line in (b"\r\n", b"\n"):
            return fields, end
        if line[:1] in (b" ", b"\t") and fields:
            start, _, name = fields[-1]
            fields[-1] = (start, end, name)
        else:
            colon = line.find(b":")
            if colon <= 0:
                return fields, pos
            fields.append((pos, end, line[:colon].strip()))
        pos = end
    return fields, n


class SMTP(aiosmtpd.smtp.SMTP):
    """aiosmtpd's SMTP server with RFC 3461 parameters under a policy.

    policy   a dsnguard.Policy (default: the "recommended" preset)
    service  "smtp", "submission", "local" or None (from the local port)
    trusted  None (the policy's trusted networks decide), True or False
    The other keyword arguments are aiosmtpd.smtp.SMTP's.
    """

    def __init__(self, handler, *, policy=None, service=None, trusted=None,
                 **kwargs):
        super().__init__(handler, **kwargs)
        self.dsn_policy = _checked_policy(policy)
        self._dsng_service = service
        self._dsng_trusted = trusted
        self.dsn_session = None

    # --- the session facts the policy decides on ------------------------

    def connection_made(self, transport):
        restarting_tls = self.transport is not None
        super().connection_made(transport)
        if restarting_tls and self.dsn_session is not None:
            self.dsn_session.update(tls=True)
            return
        peer = transport.get_extra_info("peername")
        local = transport.get_extra_info("sockname")
        addr = peer[0] if isinstance(peer, tuple) and peer else None
        port = local[1] if isinstance(local, tuple) and len(local) > 1 else 0
        try:
            self.dsn_session = Session(
                addr, port=port, service=self._dsng_service,
                trusted=self._dsng_trusted,
                tls=transport.get_extra_info("sslcontext") is not None)
        except TypeError:
            # A peer that is not an IP address (a Unix socket): unknown.
            self.dsn_session = Session(service=self._dsng_service,
                                       trusted=self._dsng_trusted)

    def _sync_facts(self):
        s = self.session
        self.dsn_session.update(helo=s.host_name, auth_user=_auth_user(s),
                                tls=self._tls_protocol is not None
                                or self.dsn_session.tls)

    def _create_envelope(self):
        env = super()._create_envelope()
        env.dsn = _new_dsn()
        env.dsn_decisions = []
        return env

    def _set_post_data_state(self):
        super()._set_post_data_state()
        if self.dsn_session is not None:
            self.dsn_session.reset()

    # --- EHLO: DSN advertised where the policy offers it ----------------

    async def smtp_EHLO(self, hostname):
        lines = []
        push = self.push

        async def collect(status):
            lines.append(status if isinstance(status, str)
                         else status.decode("utf-8", "surrogateescape"))

        self.push = collect
        try:
            await super().smtp_EHLO(hostname)
        finally:
            del self.push
        if (len(lines) > 1 and all(ln[:3] == "250" for ln in lines)
                and self.session.extended_smtp):
            lines.insert(len(lines) - 1, "250-DSN")
            self._sync_facts()
            reply = "".join(ln + "\r\n" for ln in lines)
            d = self.dsn_policy.ehlo(self.dsn_session, reply)
            if d.rewritten is not None:
                lines = d.rewritten.split("\r\n")[:-1]
            else:
                # The policy offers DSN: the MAIL and RCPT lines may grow.
                self.command_size_limits["MAIL"] += _MAIL_GROWTH
                self.command_size_limits["RCPT"] += _RCPT_GROWTH
        for ln in lines:
            await push(ln)

    async def smtp_HELO(self, hostname):
        await super().smtp_HELO(hostname)
        if self.session.host_name:
            self._sync_facts()
            self.dsn_policy.ehlo(self.dsn_session, esmtp=False)

    # --- MAIL and RCPT through the library and the policy ---------------

    async def _decide(self, verb, arg, decide, known):
        """Parse and decide one MAIL or RCPT line: returns (cmd, params
        as sent, decision) or pushes the refusal and returns None."""
        keyword = "FROM:" if verb == "MAIL" else "TO:"
        syntaxerr = "501 Syntax: %s %s <address>" % (verb, keyword)
        if self.session.extended_smtp:
            syntaxerr += " [SP <mail-parameters>]"
        if arg is None or arg[:len(keyword)].upper() != keyword:
            await self.push(syntaxerr)
            return None
        line = verb + " " + arg
        raw = line.encode("utf-8", "surrogateescape")
        if not self.session.extended_smtp:
            # After HELO no parameter is allowed at all (RFC 5321 4.1.1.2).
            try:
                if parse_cmd(raw)["params"]:
                    await self.push(syntaxerr)
                    return None
            except ParseError:
                pass  # the policy's decision carries the syntax error
        self._sync_facts()
        d = decide(self.dsn_session, raw)
        self.envelope.dsn_decisions.append(d)
        if d.action == "reject" or d.reply is not None:
            await self.push(d.reply or syntaxerr)
            return None
        try:
            cmd = parse_cmd(d.rewritten.encode("utf-8", "surrogateescape")
                            if d.rewritten is not None else raw)
        except ParseError as e:
            await self.push(e.reply or syntaxerr)
            return None
        for p in cmd["params"]:
            if p["keyword"] not in known:
                await self.push("555 %s parameters not recognized or not "
                                "implemented"
                                % ("MAIL FROM" if verb == "MAIL"
                                   else "RCPT TO"))
                return None
        local = cmd["local"] or ""
        if self.local_part_limit and len(local) > self.local_part_limit:
            await self.push("553 5.1.3 Error: malformed address")
            return None
        options = [p["keyword"] if p["value"] is None
                   else "%s=%s" % (p["keyword"], p["value"])
                   for p in cmd["params"]]
        return cmd, options, d

    async def smtp_MAIL(self, arg):
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("MAIL"):
            return
        if self.envelope.mail_from is not None:
            await self.push("503 Error: nested MAIL command")
            return
        got = await self._decide("MAIL", arg, self.dsn_policy.mail,
                                 _MAIL_PARAMS)
        if got is None:
            return
        cmd, options, _ = got
        if not self._decode_data and cmd["body"] not in (None, "7BIT",
                                                         "8BITMIME"):
            await self.push("501 Error: BODY can only be one of 7BIT, "
                            "8BITMIME")
            return
        if cmd["smtputf8"] and not self.enable_SMTPUTF8:
            await self.push("501 Error: SMTPUTF8 disabled")
            return
        if (cmd["size"] is not None and self.data_size_limit
                and cmd["size"] > self.data_size_limit):
            await self.push("552 Error: message size exceeds fixed "
                            "maximum message size")
            return
        address = cmd["path"] or ""
        status = await self._call_handler_hook("MAIL", address, options)
        if status is MISSING:
            self.envelope.mail_from = address
            self.envelope.mail_options.extend(options)
            status = "250 OK"
        if str(status)[:1] == "2":
            self.envelope.smtp_utf8 = cmd["smtputf8"]
            self.envelope.dsn["ret"] = cmd["ret"]
            self.envelope.dsn["envid"] = cmd["envid"]
        await self.push(status)

    async def smtp_RCPT(self, arg):
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("RCPT"):
            return
        if self.envelope.mail_from is None:
            await self.push("503 Error: need MAIL command")
            return
        got = await self._decide("RCPT", arg, self.dsn_policy.rcpt,
                                 _RCPT_PARAMS)
        if got is None:
            return
        cmd, options, _ = got
        address = cmd["path"] or ""
        if not address:
            await self.push("501 Syntax: RCPT TO: <address>")
            return
        status = await self._call_handler_hook("RCPT", address, options)
        if status is MISSING:
            self.envelope.rcpt_tos.append(address)
            self.envelope.rcpt_options.extend(options)
            status = "250 OK"
        if str(status)[:1] == "2":
            orcpt = cmd["orcpt"]
            self.envelope.dsn["rcpts"].append({
                "addr": address,
                "notify": None if cmd["notify"] is None
                else list(cmd["notify"]),
                "orcpt": None if orcpt is None
                else "%s;%s" % (orcpt["type"], orcpt["addr"])})
        await self.push(status)

    # --- receipt-request headers, before the handler sees the message --

    async def _call_handler_hook(self, command, *args):
        if command == "DATA" and self.envelope.original_content is not None:
            self._police_headers()
        return await super()._call_handler_hook(command, *args)

    def _police_headers(self):
        env = self.envelope
        raw = env.original_content
        fields, _ = _header_block(raw)
        drop = []
        for start, end, name in fields:
            value = unfold(raw[start:end].split(b":", 1)[1])
            try:
                d = self.dsn_policy.header(self.dsn_session, name, value)
            except (ParseError, TypeError):
                continue
            env.dsn_decisions.append(d)
            if d.action in ("strip", "reject"):
                drop.append((start, end))
        if not drop:
            return
        kept = bytearray()
        pos = 0
        for start, end in drop:
            kept += raw[pos:start]
            pos = end
        kept += raw[pos:]
        env.original_content = bytes(kept)
        if isinstance(env.content, str):
            env.content = env.original_content.decode(
                "utf-8", "surrogateescape") if self.enable_SMTPUTF8 \
                else env.original_content.decode("ascii", "replace")
        else:
            env.content = env.original_content


class Controller(aiosmtpd.controller.Controller):
    """aiosmtpd's threaded Controller serving dsnguard.aiosmtpd.SMTP.

    Controller(handler, policy=..., service=None, trusted=None, **kw):
    kw as for aiosmtpd.controller.Controller (hostname, port, ...)."""

    def __init__(self, handler, *, policy=None, service=None, trusted=None,
                 **kwargs):
        self.policy = _checked_policy(policy)
        self._dsng_service = service
        self._dsng_trusted = trusted
        super().__init__(handler, **kwargs)

    def factory(self):
        return SMTP(self.handler, policy=self.policy,
                    service=self._dsng_service, trusted=self._dsng_trusted,
                    **self.SMTP_kwargs)
