"""The benchmark's aiosmtpd peer: the command parsing of Debian's
python3-aiosmtpd (1.4.3), run in process on the same lines, with no
sockets and no event loop turning.  For each line it does what
SMTP._handle_client and smtp_MAIL / smtp_RCPT / smtp_EHLO do before any
policy: split the verb off, decode the argument, strip "FROM:"/"TO:",
then aiosmtpd's own SMTP._getaddr (email._header_value_parser's
get_angle_addr) and SMTP._getparams.  Its checks of which parameters it
implements (it answers 555 to NOTIFY and ORCPT) are policy, not parsing,
and are left out.

make() -> parse(line: bytes) -> dict with verb, path, params
[(KEYWORD, value)], domain (EHLO/HELO); None for a line aiosmtpd
refuses (its 500/501/553 replies).  Importable only where aiosmtpd is
(/usr/bin/python3 with python3-aiosmtpd).
"""
import asyncio

from aiosmtpd.smtp import SMTP


def make():
    loop = asyncio.new_event_loop()
    smtp = SMTP(object(), hostname="bench.invalid", loop=loop,
                enable_SMTPUTF8=True)
    getaddr = smtp._getaddr
    getparams = smtp._getparams
    strip = smtp._strip_command_keyword

    def parse(line):
        line = line.rstrip(b"\r\n")
        if not line:
            return None
        command, _, arg = line.partition(b" ")
        try:
            command = command.upper().decode("ascii")
        except UnicodeDecodeError:
            return None
        if not arg:
            return None
        arg = str(arg.strip(), encoding="utf-8", errors="surrogateescape")
        if command in ("EHLO", "HELO"):
            return {"verb": command, "domain": arg}
        if command == "MAIL":
            arg = strip("FROM:", arg)
        elif command == "RCPT":
            arg = strip("TO:", arg)
        else:
            return None  # 500 command not recognized
        if arg is None:
            return None
        address, rest = getaddr(arg)
        if not address:
            return None
        options = rest.upper().split()
        params = getparams(options)
        if params is None:
            return None
        return {"verb": command, "path": address,
                "params": [(k, None if v is True else v)
                           for k, v in params.items()]}

    parse.close = loop.close
    return parse
