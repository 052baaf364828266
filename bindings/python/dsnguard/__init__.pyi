# Type stub of the package dsnguard (PEP 561: py.typed).  Results that are
# dicts have exactly the keys of the CLI's JSON (DESIGN.md section 5).
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

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

def version() -> str: ...
def parse_cmd(line: _Text, strict: bool = ..., max_line: int = ...,
              utf8: bool = ...) -> Dict[str, Any]: ...
def parse_ehlo(reply: _Text) -> Dict[str, Any]: ...
def hide_ehlo(reply: _Text, keywords: Union[str, Sequence[str]] = ...) -> _Text: ...
def parse_reply(data: _Text, lenient: bool = ..., max_line: int = ...,
                max_lines: int = ...) -> Dict[str, Any]: ...
def parse_report(data: _Mail, *, max_recipients: int = ..., max_depth: int = ...,
                 max_parts: int = ..., max_fields: int = ...,
                 max_field_len: int = ..., max_header_len: int = ...,
                 max_boundary_len: int = ..., max_size: int = ...,
                 max_decoded: int = ...) -> Dict[str, Any]: ...
def status_describe(code: _Text) -> Dict[str, Any]: ...
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
    @property
    def state(self) -> Dict[str, Any]: ...

_LineOrCmd = Union[str, bytes, Dict[str, Any]]

class Policy:
    @classmethod
    def preset(cls, name: str) -> "Policy": ...
    @classmethod
    def from_file(cls, path: Union[str, bytes, Any]) -> "Policy": ...
    @classmethod
    def from_string(cls, text: _Text, name: Optional[str] = ...) -> "Policy": ...
    @property
    def name(self) -> str: ...
    @property
    def warnings(self) -> List[str]: ...
    def ehlo(self, session: Session, reply: Optional[_Text] = ..., *,
             esmtp: bool = ...) -> Decision: ...
    def mail(self, session: Session, line_or_cmd: _LineOrCmd) -> Decision: ...
    def rcpt(self, session: Session, line_or_cmd: _LineOrCmd) -> Decision: ...
    def header(self, session: Session, name: _Text, value: _Text) -> Decision: ...
    def generate(self, session: Session, action: str, *,
                 null_sender: bool = ...,
                 notify: Union[None, str, Iterable[str]] = ...) -> Decision: ...
    def bounce(self, report: Optional[_Mail] = ..., *,
               rcpt: Optional[_Text] = ..., null_sender: bool = ...,
               session: Optional[Session] = ...,
               now: Optional[float] = ...) -> Decision: ...
