"""Values put into a page's ``<script>`` blocks, escaped for that context.

Jinja's autoescaping makes text and quoted attribute values safe (``&``, ``<``, ``>``, ``"``, ``'``
become character references), but the content of a ``<script>`` element is not HTML: character
references are not decoded there and a ``</script>`` in a value ends the element. So data for the
scripts (the map's points, the query texts) is written as JSON in a
``<script type="application/json">`` block with ``<``, ``>``, ``&``, ``'`` and the line separators
U+2028/U+2029 written as ``\\uXXXX`` escapes: the JSON means the same, and no byte of it can end the
block, open a comment or a tag, or break a JavaScript string.

>>> str(script_json({"label": "</script><script>alert(1)</script>"}))
'{"label": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
>>> import json; json.loads(script_json(["a & b \\u2028 c"])) == ["a & b \\u2028 c"]
True
"""

from __future__ import annotations

import json

from markupsafe import Markup

__all__ = ["script_json"]

_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_TABLE = str.maketrans(_ESCAPES)


def script_json(value) -> Markup:
    """``value`` as JSON that is safe inside a ``<script>`` element (see the module docstring)."""
    return Markup(json.dumps(value, ensure_ascii=False).translate(_TABLE))
