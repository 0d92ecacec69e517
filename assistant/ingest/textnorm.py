"""Page text normalisation: the one place that decides what the text citations index into.

Every format (PDF text layer, OCR, DOCX, TXT) goes through :func:`normalise`, so a page's
text is the same on every run: line endings are ``"\\n"``, typographic ligatures are spelled
out (so "ﬁrst" matches "first"), control characters are dropped, no line ends in spaces and
the page has no leading blank lines or trailing whitespace.

:func:`normalise_with_map` does exactly the same but also says, for each output character,
which input character it came from. It is slow (a Python loop) and only used for the one page
whose word boxes the UI asks for; a test checks that both give identical text.
"""

from __future__ import annotations

# Ligatures and presentation forms that PDF fonts emit; spelled out so words match.
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
# pdfium marks a hyphen that it believes ends a line as U+0002; keep it as the hyphen printed.
_HYPHENS = {"\x02": "-", "\u00ad": "-"}
# C0 controls except tab and newline, DEL, C1 controls, BOM / non-characters: never text.
_DROP = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x02)] + list(range(0x7F, 0xA0))
_DROP += [0xFEFF, 0xFFFE, 0xFFFF]

_TABLE: dict[int, str | None] = {c: None for c in _DROP}
_TABLE.update({ord(k): v for k, v in _LIGATURES.items()})
_TABLE.update({ord(k): v for k, v in _HYPHENS.items()})


def normalise(raw: str) -> str:
    """Return the canonical page text for ``raw`` (fast path, used at ingest time)."""
    s = raw.replace("\r\n", "\n").replace("\r", "\n")
    s = s.translate(_TABLE)
    # Per-line rstrip is the regex [^\S\n]+$ (both use str.isspace), about 5x faster.
    s = "\n".join(line.rstrip() for line in s.split("\n"))
    return s.lstrip("\n").rstrip()


def normalise_with_map(raw: str) -> tuple[str, list[int]]:
    """Like :func:`normalise`, plus ``src[i]``: the index in ``raw`` of output character ``i``."""
    chars: list[str] = []
    src: list[int] = []
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == "\r":
            chars.append("\n")
            src.append(i)
            i += 2 if i + 1 < n and raw[i + 1] == "\n" else 1
            continue
        rep = _TABLE.get(ord(c), c)
        if rep is not None:
            for r in rep:
                chars.append(r)
                src.append(i)
        i += 1
    # Trailing whitespace of each line, then leading newlines and trailing whitespace of the page,
    # exactly as the regular expression and the strips of normalise() do.
    keep = [True] * len(chars)
    j = len(chars) - 1
    at_line_end = True
    while j >= 0:
        c = chars[j]
        if c == "\n":
            at_line_end = True
        elif at_line_end and c.isspace():
            keep[j] = False
        else:
            at_line_end = False
        j -= 1
    out = [(c, s) for c, s, k in zip(chars, src, keep, strict=True) if k]
    start = 0
    while start < len(out) and out[start][0] == "\n":
        start += 1
    end = len(out)
    while end > start and out[end - 1][0].isspace():
        end -= 1
    out = out[start:end]
    return "".join(c for c, _ in out), [s for _, s in out]
