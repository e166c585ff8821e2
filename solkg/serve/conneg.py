"""HTTP content negotiation: pick a representation from an ``Accept`` header.

>>> best("text/html,application/xhtml+xml,*/*;q=0.8", ["text/turtle", "text/html"])
'text/html'
>>> best("application/ld+json;q=0.9, text/turtle", ["text/html", "text/turtle", "application/ld+json"])
'text/turtle'
>>> best("image/png", ["text/turtle"]) is None
True
>>> best("", ["text/turtle", "text/html"])
'text/turtle'
"""

from __future__ import annotations

__all__ = ["parse_accept", "best", "pick_language"]


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``[(media range, q)]`` in header order; parameters other than ``q`` are dropped."""
    out = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((media, q))
    return out


def _quality(ranges: list[tuple[str, float]], media: str) -> float:
    kind = media.split("/")[0]
    best_q, best_spec = 0.0, -1
    for rng, q in ranges:
        if rng == media:
            spec = 2
        elif rng == f"{kind}/*":
            spec = 1
        elif rng == "*/*":
            spec = 0
        else:
            continue
        if spec > best_spec:
            best_q, best_spec = q, spec
    return best_q


def best(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers (ties: the first offered); the first offered
    when there is no header; ``None`` when nothing offered is acceptable (406)."""
    ranges = parse_accept(header)
    if not ranges:
        return offered[0] if offered else None
    scored = [(_quality(ranges, media), -i, media) for i, media in enumerate(offered)]
    q, _, media = max(scored)
    return media if q > 0 else None


def pick_language(header: str | None, supported: tuple[str, ...] = ("en", "fr"), default: str = "en") -> str:
    """The supported language the ``Accept-Language`` header prefers.

    >>> pick_language("fr-FR,fr;q=0.9,en;q=0.8")
    'fr'
    >>> pick_language("de, en;q=0.5")
    'en'
    """
    scored = []
    for i, (tag, q) in enumerate(parse_accept(header)):
        primary = tag.split("-")[0]
        if primary in supported and q > 0:
            scored.append((q, -i, primary))
        elif tag == "*/*" and q > 0:
            scored.append((q, -i, default))
    return max(scored)[2] if scored else default
