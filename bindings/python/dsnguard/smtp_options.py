"""dsnguard.smtp_options: RFC 3461 DSN parameters for smtplib, encoded
right.

smtplib sends mail_options and rcpt_options as they are given, so a
script that writes "ORCPT=rfc822;" + addr puts raw '+', spaces or UTF-8 on
the wire, which a server decodes to another address or refuses.  Here the
library encodes each value (xtext, RFC 6533's utf-8-addr forms) and its
own parser checks it, one parameter at a time, before anything is sent.
"""

from . import _core

__all__ = ["smtplib_options"]


def _opt_text(value, what):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be a str or None, not %s"
                    % (what, type(value).__name__))


def _notify_text(notify):
    if notify is None or isinstance(notify, str):
        return notify
    if isinstance(notify, (bytes, bytearray)):
        raise TypeError("notify must be a str or a list of str")
    try:
        words = list(notify)
    except TypeError:
        raise TypeError("notify must be a str or a list of str, not %s"
                        % type(notify).__name__) from None
    if not all(isinstance(w, str) for w in words):
        raise TypeError("notify must be a str or a list of str")
    if any("," in w for w in words):
        raise _core.ParseError("bad_notify", 0, 501, "5.5.4",
                               "notify: a keyword holds a comma")
    return ",".join(words)


def smtplib_options(*, ret=None, envid=None, notify=None, orcpt=None,
                    smtputf8=False):
    """smtplib_options(*, ret=None, envid=None, notify=None, orcpt=None,
    smtputf8=False) -> (mail_options, rcpt_options)

    The DSN parameters of one message as lists for smtplib's
    ``sendmail(..., mail_options=, rcpt_options=)`` (or ``mail()`` and
    ``rcpt()``), each value encoded by the library and checked by its
    parser:

    ret       "FULL" or "HDRS" (any case): ``RET=``
    envid     the envelope id, printable US-ASCII (RFC 3461 4.4), at most
              100 characters: ``ENVID=`` in xtext ("cost 5+" goes out as
              ``ENVID=cost+205+2B``)
    notify    "SUCCESS,DELAY" or a list of the keywords (NEVER alone):
              ``NOTIFY=`` in canonical order
    orcpt     the original recipient: ``ORCPT=rfc822;`` and its xtext for
              an ASCII address, ``ORCPT=utf-8;`` with RFC 6533's
              utf-8-addr-xtext for one with UTF-8 (raw UTF-8, the
              unitext form, when smtputf8); "type;address" names the
              addr-type itself
    smtputf8  the transaction uses SMTPUTF8: ``SMTPUTF8`` is added to
              mail_options, which makes smtplib's ``sendmail()`` and
              ``mail()`` send UTF-8 (``send_message()`` adds SMTPUTF8
              itself when an address is not ASCII: drop it from
              mail_options there, or the server sees it twice)

    Raises ParseError (a ValueError; code bad_ret, bad_envid, bad_notify
    or bad_orcpt) for a value the library refuses, TypeError for one of
    the wrong type.  A server that does not advertise DSN must not get
    these parameters (RFC 3461 4): check ``smtp.has_extn("dsn")``.
    """
    ret = _opt_text(ret, "ret")
    if isinstance(ret, bytes):
        ret = ret.decode("ascii", "replace")
    envid = _opt_text(envid, "envid")
    orcpt = _opt_text(orcpt, "orcpt")
    notify = _notify_text(notify)
    d = _core._dsn_params(ret, b"" if envid is None else envid,
                          envid is not None, notify,
                          b"" if orcpt is None else orcpt,
                          orcpt is not None, 1 if smtputf8 else 0)
    return list(d["mail"]), list(d["rcpt"])
