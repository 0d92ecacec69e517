"""A cheap gate before running many regular expressions over many sentences.

For each pattern, ``anchors`` computes from the parsed pattern a set of 4-letter word pieces
such that any text the pattern matches contains one of them. A sentence whose pieces
(``prefixes``) share none with a pattern's anchors cannot match it, so the pattern is skipped:
on 200 dense pages this cut the victim-blaming and inquiry-kind scans several-fold.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]+")


def anchors(src: str) -> frozenset[str] | None:
    """A set of 4-letter word prefixes such that any text the pattern matches holds one of them
    (a "cover", computed from the parsed pattern); None when no literal word of 4+ letters is
    required (the pattern then always runs). Lets most segments skip most patterns."""
    import re._constants as C  # noqa: N812 - the regex parser's opcodes
    import re._parser as P  # noqa: N812

    def seq_cover(items: list[tuple[object, object]]) -> frozenset[str] | None:
        best: frozenset[str] | None = None
        word = ""
        for op, av in [*items, (None, None)]:
            if op is C.LITERAL and chr(av).isalpha():  # type: ignore[arg-type]
                word += chr(av).lower()  # type: ignore[arg-type]
                continue
            if len(word) >= 4:
                cand = frozenset({word[:4]})
                best = cand if best is None or len(cand) < len(best) else best
            word = ""
            if op is None:
                continue
            c = node_cover(op, av)
            if c is not None and (best is None or len(c) < len(best)):
                best = c
        return best

    def node_cover(op: object, av: object) -> frozenset[str] | None:
        if op is C.SUBPATTERN:
            return seq_cover(list(av[-1]))  # type: ignore[index]
        if op is C.BRANCH:
            out: set[str] = set()
            for alt in av[1]:  # type: ignore[index]
                c = seq_cover(list(alt))
                if c is None:
                    return None
                out |= c
            return frozenset(out)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo: int = av[0]  # type: ignore[index]
            item: list[tuple[object, object]] = list(av[2])  # type: ignore[index]
            return seq_cover(item) if lo >= 1 else None
        return None  # character classes, lookarounds, anchors: no literal guaranteed

    try:
        return seq_cover(list(P.parse(src, re.I)))
    except Exception:  # noqa: BLE001 - an unusual pattern simply always runs
        return None


def prefixes(text: str) -> frozenset[str]:
    """4-letter prefixes of every word of 4+ letters, and of every 4-letter run inside a word
    (so a pattern stem such as "play" in "horse-?play" is found in "horseplay")."""
    out: set[str] = set()
    for w in _WORD.findall(text.lower()):
        if len(w) >= 4:
            out.update(w[i:i + 4] for i in range(len(w) - 3))
    return frozenset(out)


