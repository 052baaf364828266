"""The benchmark's Python regex peer: what a mail tool author writes when
he needs MAIL FROM / RCPT TO / EHLO parsed and has no library.  One
compiled regex per line gives the verb, the path and the parameter text;
the parameters are split on spaces and '=', NOTIFY on commas, ORCPT on
';' with one substitution for xtext.  It validates only what the regex
says (brackets, keyword characters), so it refuses fewer lines than a
real parser; the benchmark reports which.

parse(line) -> dict with verb, path, params [(KEYWORD, value)], notify
(list or None), orcpt ((type, addr) or None), domain (EHLO/HELO); None
for a line the regex does not match.
"""
import re

_LINE = re.compile(
    r"(?i)(?:(MAIL) FROM|(RCPT) TO):<([^<> ]*)>((?: +[A-Z0-9][A-Z0-9-]*"
    r"(?:=[^ =]+)?)*) *|(EHLO|HELO) +([^ ]+) *")
_XTEXT = re.compile(r"\+([0-9A-F]{2})")


def _unxtext(m):
    return chr(int(m.group(1), 16))


def parse(line):
    m = _LINE.fullmatch(line)
    if m is None:
        return None
    if m.group(5):
        return {"verb": m.group(5).upper(), "domain": m.group(6)}
    params = []
    notify = orcpt = None
    for p in m.group(4).split():
        key, eq, value = p.partition("=")
        key = key.upper()
        params.append((key, value if eq else None))
        if key == "NOTIFY":
            notify = value.upper().split(",")
        elif key == "ORCPT":
            kind, _, addr = value.partition(";")
            addr = _XTEXT.sub(_unxtext, addr)
            if not addr.isascii():  # "+C3+B6" is UTF-8
                addr = addr.encode("latin-1").decode("utf-8", "replace")
            orcpt = (kind.lower(), addr)
    return {"verb": (m.group(1) or m.group(2)).upper(), "path": m.group(3),
            "params": params, "notify": notify, "orcpt": orcpt}
