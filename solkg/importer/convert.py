"""Source text to RDF terms: IRI slugs, URLs, e-mail addresses, and the hashes that name records.

>>> id_slug("r000001"), id_slug("3qom")
('r000001', '3qom')
>>> id_slug("3qOM"), id_slug("Ferme du Bois")
('3qom-59cec330', 'ferme-du-bois-36249cea')
>>> url("www.example.org", None), url("hilltopcoop", "https://twitter.com/")
('http://www.example.org', 'https://twitter.com/hilltopcoop')
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence

import pyoxigraph as ox

from ..errors import InputError

__all__ = ["slug", "id_slug", "record_hash", "text_hash", "url", "is_email", "split", "one_line", "one_line_errors"]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    r"""Text with its control characters (newlines, tabs, NUL ...) written as escapes: a message
    made of a file's bytes stays one line.

    >>> print(one_line("a\nb\x00"))
    a\nb\x00
    """
    return _CONTROL.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                                                else f"\\u{ord(m.group()):04x}"), text)


def one_line_errors(func):
    """Make the :class:`InputError` messages of ``func`` one line whatever the data put in them."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            if _CONTROL.search(exc.message):
                raise InputError(one_line(exc.message)) from None
            raise

    return wrapper


_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_URL_OK = re.compile(r"^https?://[^\s/$.?#][^\s<>\"{}|\\^`]*$", re.I)


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by ``-`` (lookup tags in IRIs)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def id_slug(identifier: str) -> str:
    """The slug of a source value in an IRI (solkg's instance IRIs end in ``[a-z0-9][a-z0-9-]*``):
    lower-case ASCII letters and digits joined by ``-``, plus a short hash of the value, case kept,
    when that loses anything, case included. So the same value always gives the same slug, and two
    values never give one (``3qOM`` and ``3qom`` stay apart)."""
    text = identifier.strip()
    out = slug(text)
    if out != text or not out:
        out = (out + "-" if out else "") + text_hash(text)[:8]
    return out


def text_hash(text: str) -> str:
    """The SHA-1 of a text, in hex."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def record_hash(fields: dict) -> str:
    """A hash of a whole record (its fields, sorted by name; values as read): the same for the same
    values, whatever their order in the file."""
    return text_hash("\x1f".join([name + "\x1e" + (value if type(value) is str else repr(value))
                                   for name, value in sorted(fields.items())]))


def split(text: str, separators: Sequence[str]) -> list[str]:
    """The parts of ``text`` between any of ``separators``, stripped, empty ones left out.

    >>> split("a; b,c;;", [";", ","])
    ['a', 'b', 'c']
    """
    parts = [text]
    for sep in separators:
        parts = [piece for part in parts for piece in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def is_email(text: str) -> bool:
    """True for something shaped like an e-mail address."""
    return bool(_EMAIL.match(text))


def url(value: str, base: str | None) -> str | None:
    """A web address as an absolute http(s) IRI (``www.x.org`` gets ``http://``; a bare handle gets
    ``base``), or None when it is not one."""
    text = value.strip()
    if base and not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        handle = text.lstrip("@").strip("/")
        if not handle or re.search(r"[\s<>\"]", handle):
            return None
        if re.match(r"^(www\.)?[a-z0-9.-]+\.[a-z]{2,}/", handle, re.I):
            text = "https://" + handle
        else:
            text = base + handle
    elif re.match(r"^www\.", text, re.I) or re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/.*)?$", text, re.I):
        text = "http://" + text
    if not _URL_OK.match(text):
        return None
    try:
        ox.NamedNode(text)
    except ValueError:
        return None
    return text
