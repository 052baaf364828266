# Type stub of the package dsnguard (PEP 561: py.typed).  Results that are
# dicts have exactly the keys of the CLI's JSON (DESIGN.md section 5).
import os
from typing import (Any, Dict, Iterable, Iterator, List, Optional, Sequence,
                    Tuple, Union)

_Text = Union[str, bytes]
_Mail = Union[str, bytes, bytearray, memoryview, Any]  # Any: email.message.Message

__version__: str

class ParseError(ValueError):
    code: str
    offset: int
    reply: Optional[int]
    enhanced: str
    message: str
    def __init__(self, code: str, offset: int, reply: Optional[int],
                 enhanced: str, message: str) -> None: ...

class Result(Dict[str, Any]):
    # a parse result: its keys also read as attributes (cmd.notify);
    # parse_cmd's and parse_report's build each value when first read
    # (all of them for iteration, items(), ==, repr, copies, pickling)
    def __getattr__(self, name: str) -> Any: ...
    def to_dict(self) -> Dict[str, Any]: ...

def version() -> str: ...
def parse_cmd(line: _Text, strict: bool = ..., max_line: int = ...,
              utf8: bool = ...) -> Result: ...
def parse_ehlo(reply: _Text, *, lenient: bool = ..., max_line: int = ...,
               max_lines: int = ...) -> Result: ...
def hide_ehlo(reply: _Text, keywords: Union[str, Sequence[str]] = ..., *,
              lenient: bool = ..., max_line: int = ...,
              max_lines: int = ...) -> _Text: ...
def parse_reply(data: _Text, lenient: bool = ..., max_line: int = ...,
                max_lines: int = ...) -> Result: ...
def parse_report(data: _Mail, *, max_recipients: int = ..., max_depth: int = ...,
                 max_parts: int = ..., max_fields: int = ...,
                 max_field_len: int = ..., max_header_len: int = ...,
                 max_boundary_len: int = ..., max_size: int = ...,
                 max_decoded: int = ...) -> Result: ...
def status_describe(code: _Text) -> Result: ...
def xtext_encode(data: _Text) -> str: ...
def xtext_decode(text: _Text, lenient: bool = ...) -> _Text: ...
def batv_sign(address: _Text, keys: Union[_Text, Sequence[_Text]], *,
              key: int = ..., days: int = ..., now: Optional[float] = ...,
              exact_case: bool = ...) -> str: ...
def batv_verify(address: _Text, keys: Union[_Text, Sequence[_Text]], *,
                days: int = ..., now: Optional[float] = ...,
                exact_case: bool = ..., no_legacy: bool = ...) -> Dict[str, Any]: ...

class Decision:
    action: str
    reply: Optional[str]
    rewritten: Optional[str]
    reason: str
    rule: str
    compliance: str
    notify: List[str]
    verdict: Optional[str]
    def __init__(self, d: Dict[str, Any]) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Session:
    addr: Optional[str]
    client_name: Optional[str]
    helo: Optional[str]
    auth_user: Optional[str]
    tls: bool
    port: int
    service: Optional[str]
    trusted: Optional[bool]
    def __init__(self, addr: Optional[str] = ..., *,
                 client_name: Optional[str] = ..., helo: Optional[str] = ...,
                 auth_user: Optional[str] = ..., tls: bool = ...,
                 port: int = ..., service: Optional[str] = ...,
                 trusted: Optional[bool] = ...) -> None: ...
    def reset(self) -> None: ...
    def update(self, *, helo: Optional[str] = ..., auth_user: Optional[str] = ...,
               tls: bool = ...) -> None: ...
    @property
    def state(self) -> Dict[str, Any]: ...

_LineOrCmd = Union[str, bytes, Dict[str, Any]]

class Policy:
    @classmethod
    def preset(cls, name: str) -> "Policy": ...
    @classmethod
    def from_file(cls, path: Union[str, bytes, Any], *,
                  no_includes: bool = ..., max_include_files: int = ...,
                  max_include_bytes: int = ...) -> "Policy": ...
    @classmethod
    def from_string(cls, text: _Text, name: Optional[str] = ..., *,
                    no_includes: bool = ..., max_include_files: int = ...,
                    max_include_bytes: int = ...) -> "Policy": ...
    @property
    def name(self) -> str: ...
    @property
    def warnings(self) -> List[str]: ...
    def ehlo(self, session: Session, reply: Optional[_Text] = ..., *,
             esmtp: bool = ..., lenient: bool = ..., max_line: int = ...,
             max_lines: int = ...) -> Decision: ...
    def mail(self, session: Session, line_or_cmd: _LineOrCmd, *,
             strict: bool = ..., max_line: int = ...,
             utf8: bool = ...) -> Decision: ...
    def rcpt(self, session: Session, line_or_cmd: _LineOrCmd, *,
             strict: bool = ..., max_line: int = ...,
             utf8: bool = ...) -> Decision: ...
    def header(self, session: Session, name: _Text, value: _Text) -> Decision: ...
    def generate(self, session: Session, action: str, *,
                 null_sender: bool = ...,
                 notify: Union[None, str, Iterable[str]] = ...) -> Decision: ...
    def bounce(self, report: Optional[_Mail] = ..., *,
               rcpt: Optional[_Text] = ..., null_sender: bool = ...,
               session: Optional[Session] = ...,
               now: Optional[float] = ..., max_recipients: int = ...,
               max_depth: int = ..., max_parts: int = ...,
               max_fields: int = ..., max_field_len: int = ...,
               max_header_len: int = ..., max_boundary_len: int = ...,
               max_size: int = ..., max_decoded: int = ...) -> Decision: ...
    def line(self, session: Session, line: _Text, *, strict: bool = ...,
             max_line: int = ..., utf8: bool = ...) -> Decision: ...
    def is_trusted(self, session: Session) -> bool: ...
    def is_receipt_header(self, name: _Text) -> bool: ...
    @classmethod
    def preset_names(cls) -> List[str]: ...
    def classes(self, session: Session) -> List[str]: ...
    @property
    def networks(self) -> List[str]: ...
    @property
    def rules(self) -> List[Dict[str, Any]]: ...
    @property
    def offer_dsn(self) -> List[str]: ...

_Param = Union[Tuple[str, Optional[str]], Dict[str, Any], str]

def format_cmd(cmd: Optional[Dict[str, Any]] = ..., *,
               verb: Optional[str] = ..., path: Optional[_Text] = ...,
               route: Optional[Sequence[str]] = ...,
               domain: Optional[_Text] = ..., arg: Optional[_Text] = ...,
               notify: Union[None, str, Sequence[str]] = ...,
               orcpt: Union[None, _Text, Tuple[str, _Text], Dict[str, Any]] = ...,
               ret: Optional[str] = ..., envid: Optional[_Text] = ...,
               size: Optional[int] = ..., body: Optional[str] = ...,
               smtputf8: Optional[bool] = ...,
               params: Optional[Sequence[_Param]] = ...,
               strict: bool = ..., max_line: int = ...,
               utf8: bool = ...) -> str: ...

class ScanLog(Iterator[Dict[str, Any]]):
    summary: Optional[Dict[str, Any]]
    def __iter__(self) -> "ScanLog": ...
    def __next__(self) -> Dict[str, Any]: ...
    def close(self) -> None: ...
    def __enter__(self) -> "ScanLog": ...
    def __exit__(self, *exc: Any) -> None: ...

def scan_log(file_or_lines: Union[str, bytes, "os.PathLike[str]", Any,
                                  Iterable[_Text]], *,
             max_line: int = ..., max_tracked: int = ...,
             max_pending: int = ..., max_rcpts: int = ...,
             max_recipients_tracked: int = ...,
             max_clients_tracked: int = ...) -> ScanLog: ...

class PolicyVeto(Exception):
    decision: Optional[Decision]
    entries: List[Dict[str, Any]]
    def __init__(self, decision: Optional[Decision],
                 entries: List[Dict[str, Any]]) -> None: ...

def build_report(spec: Dict[str, Any], original: Optional[_Mail] = ..., *,
                 policy: Optional[Policy] = ..., no_policy: bool = ...,
                 now: Optional[float] = ..., crlf: bool = ...,
                 max_returned: Optional[int] = ...,
                 max_recipients: int = ...) -> Optional[bytes]: ...
def build_report_result(spec: Dict[str, Any], original: Optional[_Mail] = ...,
                        *, policy: Optional[Policy] = ...,
                        no_policy: bool = ..., now: Optional[float] = ...,
                        crlf: bool = ..., max_returned: Optional[int] = ...,
                        max_recipients: int = ...) -> Dict[str, Any]: ...
def xtext_utf8_encode(text: _Text, unitext: bool = ...) -> str: ...
def xtext_utf8_decode(text: _Text, unitext: bool = ...) -> str: ...
def parse_addr(path: _Text, *, rcpt: bool = ..., utf8: bool = ...,
               strict: bool = ...) -> Dict[str, Any]: ...
def check_domain(domain: _Text, *, utf8: bool = ...,
                 strict: bool = ...) -> bool: ...
def batv_parse(address: _Text) -> Dict[str, Any]: ...
def batv_strip(address: _Text) -> str: ...
def format_reply(data: _Text, lenient: bool = ..., max_line: int = ...,
                 max_lines: int = ...) -> str: ...
def reply_complete(data: _Text, lenient: bool = ..., max_line: int = ...,
                   max_lines: int = ...) -> int: ...
def parse_date(text: _Text) -> int: ...
def decode_words(text: _Text) -> str: ...
def unfold(text: _Text) -> str: ...
def preset_names() -> List[str]: ...
def status_find(text: _Text) -> Optional[Dict[str, Any]]: ...
def split_mbox(data: _Text) -> List[bytes]: ...

# The SMTP client helpers (smtp_probe.py, smtp_options.py).
class ProbeResult:
    ok: bool
    host: str
    port: int
    greeting: Optional[Dict[str, Any]]
    ehlo: Optional[Dict[str, Any]]
    mail: Optional[Dict[str, Any]]
    rcpt: Optional[Dict[str, Any]]
    rcpt_plain: Optional[Dict[str, Any]]
    dsn_advertised: Optional[bool]
    receipt_accepted: Optional[bool]
    verdict: str
    error: Optional[Dict[str, Any]]
    tls: bool
    starttls: Optional[Dict[str, Any]]
    source: Optional[str]
    def __init__(self, d: Dict[str, Any]) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...
    @property
    def exposed(self) -> bool: ...

def probe(host: str, *, mail_from: str, rcpt_to: str, port: int = ...,
          ehlo: Optional[str] = ..., timeout: float = ...,
          source: Optional[str] = ..., starttls: bool = ...) -> ProbeResult: ...
def smtplib_options(*, ret: Optional[str] = ..., envid: Optional[_Text] = ...,
                    notify: Union[None, str, Iterable[str]] = ...,
                    orcpt: Optional[_Text] = ...,
                    smtputf8: bool = ...) -> Tuple[List[str], List[str]]: ...
