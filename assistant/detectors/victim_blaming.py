"""Possible victim-blaming language.

Each blaming phrase is its own suggestion, with its own quote (the clause, or the sentence when
it holds only that phrase), concern and alternative. Two signals, explained in every suggestion:
- the lexicon (``models/lexicons/victim_blaming.json``, read by ``assistant.nlp.vb_lexicon``):
  entries built from published language guidance, each a family of wording with its sources,
  why it is a concern, the wording recommended instead, and the contexts where it is fine;
- a classifier that reads only the clauses the lexicon found (never every sentence: speed) and
  ranks them: the fine-tuned MiniLM clause classifier when it loads
  (``assistant.nlp.clause_model``), otherwise the logistic regression over sentence embeddings
  (``models/victim_blaming_classifier.json``, trained by ``models/train_victim_blaming.py``).

Not a finding: the child's own words in quotation marks, the law ("a child cannot consent in
law", statute titles), consent to an interview or a medical, text that discusses such language
(a review, inquiry or supervisor criticising it, training material, guidance tables,
statistics about cautions), the suspect's own account or acts ("he told her she had agreed").
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.detectors.base import Detector
from assistant.detectors.common import cite_segment, clamp, tokens
from assistant.nlp.context import CaseContext
from assistant.nlp.entities import inside, quoted_spans
from assistant.nlp.gate import prefixes as _prefixes
from assistant.nlp.lexicon import LEXICON_DIR
from assistant.nlp.people import find_people
from assistant.nlp.vb_lexicon import Entry, load_vb_lexicon
from assistant.types import Citation, Segment, Suggestion

CLASSIFIER_PATH = LEXICON_DIR.parent / "victim_blaming_classifier.json"

_SUSPECT_SUBJECT = re.compile(
    r"\b(?:S\d|(?:SUSP|SUB|AP|OFF|NOM)\d{1,2}|suspects?|offenders?|perpetrators?|the\s+(?:older\s+)?(?:male|man|men)|"
    r"accused|nominal|he\s+(?:claimed|claims|stated|states|said|says|denied|denies|accepted|accepts|"
    r"admitted|admits|maintained|insisted|alleged|explained|told\s+(?:officers|police)))\b",
    re.I,
)
# The suspect's account or acts, before the wording in the same sentence: "S1 stated she was
# a willing participant", "he told her she had agreed", "in interview S2 said ...".
_SUSPECT_SAYS = re.compile(
    r"\b(?P<who>\w+)\s+(?:\w+\s+){0,2}(?:claim\w*|stat(?:ed|es)|sa(?:id|ys)|told\s+(?:her|him|them|"
    r"officers|police|the\s+\w+)|insist\w*|maintain\w*|alleg\w*|assert\w*|suggest\w*|"
    r"conten\w+|convinc\w+|persuad\w+|made\s+her\s+(?:believe|think)|assured|"
    r"describ\w+\s+(?:her|IP\d?|the\s+girl)\s+as)\b",
    re.I,
)
_SUSPECT_ACCOUNT = re.compile(
    r"\bin\s+(?:his|their|the\s+suspect'?s?)\s+(?:interview|account|prepared\s+statement)\b|"
    r"\b(?:his|S\d'?s?)\s+(?:account|version|defence|prepared\s+statement)\b|"
    r"\b(?:interview(?:ed)?|prepared\s+statement)\s*[-:\u2013]",
    re.I,
)
_PREP_OBJECT = re.compile(r"\b(?:with|by|from|to|towards|for|of)\s+(?:the\s+)?\S+", re.I)
_SUSPECT_WORDS = {"suspect", "suspects", "accused", "man", "male", "driver", "defendant"}
# Quotation marks OCR scatters through scanned text: read as spaces when matching wording (the
# offsets stay those of the page), so a stray mark does not split a phrase.
_STRAY_MARK = re.compile(r"(?<=[a-z])[\u2019'](?=\s)")
# Marks OCR drops between two words of one sentence ("putting: herself at risk .by", "the
# flat.of her own"): a mark followed by a lower-case word does not end a sentence.
_OCR_GAP = re.compile(r"(?<=[a-z])[ ]?[.:;|*\u00b0~^]+(?=[ ]?[a-z])|(?<=[a-z] )[.:;|*\u00b0~^]+(?=[a-z])")
_OCR_MARKS = str.maketrans({"\u201c": " ", "\u201d": " ", "\u2018": " ", '"': " ", "`": " ", "_": " ",
                            **{c: a for a, cs in {"a": "àáâä", "e": "èéêë", "i": "ìíîï", "o": "òóôö",
                                                  "u": "ùúûü", "c": "ç", "n": "ñ"}.items()
                               for c in cs}})
_CLOSERS = "\u201d"
_OPENERS = "\u201c"
# The child's own account reported without quotation marks ("Pt states ...", "she said ...")
# is not exempt: records do say "IP states consensual sex with boyfriend (26)".
_PERSONAL_FAMILIES = {"character_credibility", "consent_choice", "risk_on_child"}
# Clause breaks: each blaming phrase in its own clause is its own finding.
_CLAUSE_BREAK = re.compile(
    r";\s+|:\s+(?=\S)|\s+[-\u2013\u2014]\s+|\s+\|\s+|\.\s+(?=[A-Z])"
    r"|,\s+(?:and|but|so|as|although|though|because|which|who|while|whereas|or|yet|however)\s+"
    r"|,\s+(?=[a-z])|\s+(?:but|whereas|however)\s+"
)
_STRONG_BREAK = re.compile(r";|\s[-\u2013\u2014]\s|\|\s|[.!?]\s+\S|:\s")
# A comma, or a clause with its own subject (" but the girls ..."): phrases of different families
# on either side are separate findings ("drunk and mouthy, putting themselves at risk").
_NEW_CLAUSE = re.compile(
    r",\s(?!\s*(?:and|or|but)\s+(?:would|will|has|have|had|is|was|are|were|can|could|should|may|might|"
    r"appears?|seems?|does|did)\b)|\s(?:and|but|so|whereas|while|although|though|because)\s+(?:she|he|they|it|I|IP\d?|V\d|"
    r"the\s+\w+|(?-i:[A-Z][a-z]+))\b"
    # "streetwise and chooses to associate with older males", "... and were not always truthful"
    r"|\s(?:and|but)\s+(?:then\s+)?[a-z]+ed\b"
    r"|\s(?:and|but)\s+(?:is|was|are|were|has|had|have|appears?|seems?|keeps?|kept|chooses|chose|puts?|goes|"
    r"went|knows?|knew|makes?|made|refuses?|refused|continues?|continued|enjoys?|enjoyed|wants?|wanted|likes?|"
    r"liked|(?:not\s+)?always|often|regularly)\b", re.I)
# "... willingly and arranged the meet herself": two acts, two findings, even of one family
# (a list of nouns, "a history of lying and attention seeking", stays one)
_AND_PAST_VERB = re.compile(r"\s*,?\s+and\s+(?:then\s+)?[a-z]+ed\b")
_STRAY_MARK_RUN = re.compile(r"(?<=\s)[_\u2018\u2019`~]+|[_\u2018\u2019`~]+(?=\s)")
_WEAK_MIN_P = 0.3  # weak wording needs the classifier's confirmation
_MIN_SUSPECT_VOTES = 1.0
_MIN_CLAUSE = 12  # a shorter piece joins its neighbour
_SINGLE_MAX_TOKENS = 40  # a sentence with one finding is cited whole up to this length
_MIN_QUOTE_TOKENS = 8  # a clause quote is widened to its neighbours up to this length


@dataclass
class _Hit:
    entry: Entry
    start: int  # in the segment's text
    end: int
    pattern: str


@dataclass
class _Finding:
    seg_index: int
    clause: tuple[int, int]
    hits: list[_Hit] = field(default_factory=list)
    score: float = 0.0
    p: float | None = None
    how: str = ""
    page_span: tuple[int, int] | None = None  # a finding joined over two segments
    joined: _Finding | None = None
    others: list[tuple[int, int]] = field(default_factory=list)  # other findings' phrases, same segment

    @property
    def best(self) -> _Hit:
        # A strong entry over a weak one; then the longer phrase.
        return max(self.hits, key=lambda h: (not h.entry.weak, h.end - h.start, -h.start))


@dataclass
class _Classifier:
    w: np.ndarray
    b: float
    version: str


@lru_cache(maxsize=1)
def load_classifier(path: Path = CLASSIFIER_PATH) -> _Classifier | None:
    """The logistic-regression fallback over MiniLM sentence embeddings."""
    if not path.exists():
        return None
    d = json.loads(path.read_text())
    return _Classifier(np.asarray(d["w"], dtype=np.float32), float(d["b"]), d.get("version", "?"))


# Words in a sentence short enough to be one victim-blaming finding whatever it holds (a longer
# segment is usually text the segmenter could not cut: an OCR'd table or a run-on note).
SHORT_SENTENCE = 35
# The wording denied of the child: "she is a child at risk, not a nuisance", "she is not promiscuous".
_NEGATED_BEFORE = re.compile(r"\b(?:not|never|no\s+longer)\s+(?:an?\s+)?$", re.I)
# The wording is the framing a writer rejects: "a victim rather than as a willing participant".
_CONTRAST_BEFORE = re.compile(
    r"\b(?:rather\s+than|instead\s+of|not\s+merely)\s+(?:as\s+|being\s+)?(?:an?\s+|the\s+)?$", re.I)


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans of a sentence (blame is often one clause of a longer sentence)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() - pos >= _MIN_CLAUSE:
            spans.append((pos, m.start()))
            pos = m.end()
    if spans and len(text) - pos < _MIN_CLAUSE:
        spans[-1] = (spans[-1][0], len(text))
    else:
        spans.append((pos, len(text)))
    return spans


_THIRD_PERSON = re.compile(r"\b(?:CYP|IP|VIC|YP|V|C)\s?\d\b|\b(?:herself|himself)\b")
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|mine|I'm|I've|we|us|our)\b")


_WORD_QUOTE = re.compile(r"(?<!\w)['\u2018\"\u201c](?P<q>[A-Za-z][\w -]{2,30}?)['\u2019\"\u201d](?!\w)")


def _word_quotes(text: str) -> list[tuple[int, int]]:
    """Words in quotation marks, single ones too ("older 'boyfriend'": someone's word, cited)."""
    return [(m.start("q"), m.end("q")) for m in _WORD_QUOTE.finditer(text)]


_REPORTED = re.compile(r"\b(?:says?|said|wrote|writes|written|records?|recorded|states?|stated|describ\w+|"
                       r"calls?|called|the\s+(?:word|phrase|term|bit|line|entry))\b", re.I)


def _cited_word(text: str, qs: list[tuple[int, int]], a: int, b: int) -> bool:
    """True when the wording ends on a word or two in quotation marks that someone is reported
    to have written ("the bit that says Amber went to the flat "voluntarily"": the record's
    word, cited to object to it)."""
    spans = qs + _word_quotes(text)
    ends_quoted = any(a < q0 and q0 < b <= q1 + 1 and len(text[q0:q1].split()) <= 3 for q0, q1 in spans)
    return ends_quoted and _REPORTED.search(text[max(0, a - 40):a]) is not None


# A record named as saying something: "The CF3 states that", "the OIC's ABE summary says".
_RECORD_SAYS = re.compile(
    r"\b(?:MG\s?\d+\w?|CF\d+|summary|report|record|form|log|note|entry|minutes|referral|file|rationale|"
    r"assessment|letter|e-?mail)\s+(?:[\w/.']+\s+){0,3}(?:says?|said|states?|stated|records?|recorded|describes?|"
    r"described|refers?\s+to|referred\s+to|notes?|noted|reads?|calls?|called)\b", re.I)


# A record named, then its words in brackets: 'the handler's note at 0347 SEQ 005 ("putting
# herself at risk ... ")'.
_RECORD_CITED = re.compile(r"\b(?:note|entry|log|record|report|minutes?|e-?mail|letter|form|summary|rationale)\b"
                           r"[^.()]{0,40}\(\s*[\"'\u201c\u2018]?\s*$", re.I)


def _record_says(text: str, qs: list[tuple[int, int]], a: int, b: int) -> bool:
    """True when the wording is inside (or runs into) a short quotation that a named record is
    reported to say ("The CF3 states that IP1 "made a choice" to go to the flat"; "the OIC's
    ABE summary says IP1 "appears to be in a relationship with" S1"): the record's words,
    cited by whoever is reviewing it."""
    for q0, q1 in qs + _word_quotes(text):
        if not (a < q1 and q0 < b) or len(text[q0:q1].split()) > 12:
            continue
        before = text[max(0, q0 - 70):q0]
        before = before[max(before.rfind(". "), before.rfind(";")) + 1:]
        if _RECORD_SAYS.search(before) or _RECORD_CITED.search(before):
            return True
    return False


def _record_quoted(text: str, qs: list[tuple[int, int]], a: int, b: int) -> bool:
    """True when the quotation around [a, b) is another record's wording about the child (a
    schedule quoting a report: "CYP1 out again, putting herself at risk"), not someone's own
    words: it speaks of the child in the third person and never in the first."""
    span = next(((s, e) for s, e in qs if s <= a and b <= e), (0, len(text)))
    quoted = text[span[0]:span[1]]
    return bool(_THIRD_PERSON.search(quoted)) and not _FIRST_PERSON.search(quoted)


def _closed_later(text: str, a: int, b: int) -> bool:
    """True when [a, b) lies inside a quotation whose opening mark is not in this segment (a
    quote broken over table rows): the first curly mark after it closes, and none opens
    before it."""
    nxt = next((c for c in text[b:] if c in _CLOSERS or c in _OPENERS or c == '"'), "")
    return nxt in _CLOSERS and nxt != "" and not any(c in _OPENERS for c in text[:a])


def _not_a_subject(matched: str, suspects: set[str]) -> bool:
    """True when wording written as "<Name> is/was ..." starts with a capitalised word that is
    no child's name: a verb opening the sentence ("Denies ...", "Says ..."), or a suspect's
    name."""
    first = matched.split()[0] if matched.split() else ""
    if not first[:1].isupper() or first.isupper():
        return False
    w = first.lower()
    return w in suspects or w in _SPEECH_VERBS or (w.endswith(("ies", "ed")) and w not in _NAMES_OK)


_SPEECH_VERBS = {"says", "said", "states", "stated", "claims", "claimed", "told", "tells", "reports",
                 "believes", "thinks", "feels", "notes", "noted", "adds", "added"}
_NAMES_OK = {"ed", "fred", "ted", "jed", "ned"}


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    """[a, b) without surrounding spaces and trailing punctuation."""
    while a < b and (text[a].isspace() or text[a] in ",;:-|"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:-|"):
        b -= 1
    return a, b


class VictimBlamingDetector(Detector):
    name = "victim_blaming_language"
    version = "0.4.0"
    type = "victim_blaming_language"

    def warm_up(self) -> None:
        load_vb_lexicon()
        load_classifier()

    # --- finding the wording ----------------------------------------------------------------

    def candidates(self, text: str, suspects: set[str] | None = None,
                   victims: set[str] | None = None) -> list[_Hit]:
        """Every blaming phrase of one sentence that is not excused by its context."""
        lex = load_vb_lexicon()
        if len(text) < 8:
            return []
        # a stray mark OCR put after a word ("willingly got\u2019 into") reads as a space
        norm = _STRAY_MARK.sub(" ", text.translate(_OCR_MARKS))
        # the wording is sought with those marks read as spaces; the context checks read the marks
        bare = _OCR_GAP.sub(lambda m: " " * len(m.group()), norm)
        found = [(i, m) for i in lex.patterns_for(_prefixes(bare))
                 for m in lex.patterns[i][2].finditer(bare) if m.end() - m.start() >= 3]
        # The sentence-level checks run only where some wording was found (most sentences
        # have none): the law, and text that discusses such language.
        if not found or lex.law.search(text) or lex.discussion.search(text):
            return []
        qs = quoted_spans(text)
        hits: list[_Hit] = []
        for i, m in found:
            entry, src, _ = lex.patterns[i]
            a, b = m.start(), m.end()
            # Quoted: the wording lies in a quotation, or opens inside one and runs on past its
            # closing mark ('that I was "in a relationship" with Connor').
            opens_quoted = any(s <= a < e < b and e - a >= 4 for s, e in qs) or any(
                # "older 'boyfriend'": most of the wording is a word in quotation marks
                2 * (min(b, e) - max(a, s)) > b - a for s, e in _word_quotes(text))
            if (inside(qs, a, b) or opens_quoted or _closed_later(text, a, b)) and not _record_quoted(
                    text, qs, a, b):
                continue
            if _cited_word(text, qs, a, b) or _record_says(text, qs, a, b):
                continue
            if entry.fine_here(norm, a, b) or _not_a_subject(m.group(0), suspects or set()):
                continue
            if _CONTRAST_BEFORE.search(norm, max(0, a - 40), a) or _NEGATED_BEFORE.search(norm, max(0, a - 20), a):
                continue  # "to treat her as a child victim rather than as a willing participant"
            if self._suspects_words(norm, a, suspects or set()):
                continue
            if entry.family in _PERSONAL_FAMILIES and self._about_suspect(
                    norm, a, b, suspects or set(), victims or set()):
                continue
            hits.append(_Hit(entry, a, b, src))
        return hits

    @staticmethod
    def _suspects_words(text: str, a: int, suspects: set[str]) -> bool:
        """True when the wording is the suspect's account or act ("S1 said she agreed",
        "he told her she had agreed", "in interview S2 said ...")."""
        before = text[max(0, a - 90):a]
        cut = max(before.rfind(";"), before.rfind(". "))
        before = before[cut + 1:]
        if _SUSPECT_ACCOUNT.search(before):
            return True
        for m in _SUSPECT_SAYS.finditer(before):
            who = m.group("who")
            if re.fullmatch(r"(?:S|SUSP|SUB|AP|OFF|NOM)\d{1,2}", who, re.I) or who.lower() in _SUSPECT_WORDS \
                    or who.lower() in suspects:
                return True
        return False

    @staticmethod
    def _about_suspect(
        text: str, a: int, b: int, suspects: set[str], victims: Collection[str] = frozenset()
    ) -> bool:
        """True when the wording describes a suspect, not the child ("S1 is manipulative")."""
        lo = max(0, a - 60)
        window = text[lo:a]
        cut = max(window.rfind(";"), window.rfind(". "), window.rfind(", "))
        subj = window[cut + 1:] if cut != -1 else window
        subj += " " + " ".join(text[a:b].split()[:1])
        # "Chats with KEZ appear consensual": a suspect after a preposition is not the subject
        subj = _PREP_OBJECT.sub(" ", subj)
        if _SUSPECT_SUBJECT.search(subj):
            return not re.search(r"\b(?:she|her|IP\d?|V\d|(?:VIC|YP|C|CYP|CH)\d{1,2}|girls?|boys?|child|"
                                 r"victim|complainant|lady|"
                                 r"young\s+(?:person|woman|man|people)|daughter)\b", subj, re.I)
        words = set(tokens(subj))
        # "the contact between Jade and BRANAGH was consensual": the child is named too
        return bool(words & suspects) and not (words & ({"she", "her", "ip", "girl", "child", "victim"} | set(victims)))

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        # a suspect on a whisper of evidence (a licensing officer named once near "driver") is
        # not enough to excuse wording as a suspect's own words
        suspects = {t for p in find_people(ctx) if p.role == "suspect" and (
            p.labels or p.role_votes["suspect"] >= _MIN_SUSPECT_VOTES) for t in p.key_terms()}
        victims = {t for p in find_people(ctx) if p.role == "victim" for t in p.key_terms()} - suspects
        findings: list[_Finding] = []
        for i, seg in enumerate(ctx.segments):
            hits = self.candidates(seg.text, suspects, victims)
            if hits:
                findings.extend(self._group(i, seg.text, hits))
        findings = self._join_wrapped(ctx, findings)
        self._rank(ctx, findings)
        lex = load_vb_lexicon()
        per_seg: dict[int, int] = {}
        for f in findings:
            per_seg[f.seg_index] = per_seg.get(f.seg_index, 0) + 1
            f.others = [(h.start, h.end) for g in findings if g is not f and g.seg_index == f.seg_index
                        for h in g.hits]
        return [self._suggest(ctx, ctx.segments[f.seg_index], f, per_seg[f.seg_index] == 1,
                              lex.guidance) for f in findings]

    @staticmethod
    def _group(i: int, text: str, hits: list[_Hit]) -> list[_Finding]:
        """One finding per sentence of up to SHORT_SENTENCE words, however many blaming phrases
        it holds (measured on train and indep_dev: authors label such a sentence once more often
        than phrase by phrase). In a longer run of text, one finding per separate blaming
        phrase: phrases that overlap, or share a clause, are one; a clause break splits phrases
        of different families ("... is sexually experienced, and has been selling herself ..."),
        a strong break (";", " - ", a new sentence) splits any two. Phrases of one family
        joined by "and" or a comma are one finding ("a history of lying and attention seeking")."""
        spans = clauses(text)
        # "IP1 is making poor lifestyle choices and continues to put herself at risk.": one finding
        short = len(text.split()) <= SHORT_SENTENCE

        def clause_of(pos: int) -> tuple[int, int]:
            return next(((a, b) for a, b in spans if a <= pos < b), (0, len(text)))

        out: list[_Finding] = []
        cur: _Finding | None = None
        for h in sorted(hits, key=lambda h: (h.start, -h.end)):
            if cur is not None:
                last_end = max(x.end for x in cur.hits)
                gap = text[last_end:h.start] if h.start > last_end else ""
                # the gap and the first words of the next phrase: "... and chooses to ..."
                gap_on = text[last_end:h.start + 16] if h.start > last_end else ""
                # marks OCR leaves beside words read as spaces ("and\n__knew exactly")
                gap_on = _STRAY_MARK_RUN.sub(" ", gap_on)
                same = any(x.entry.family == h.entry.family for x in cur.hits)
                if h.start < last_end or short or h.entry.weak or all(x.entry.weak for x in cur.hits) \
                        or not (_STRONG_BREAK.search(gap) or (
                            (not same or _AND_PAST_VERB.search(gap_on)) and _NEW_CLAUSE.search(gap_on))):
                    cur.hits.append(h)
                    cur.clause = (cur.clause[0], max(cur.clause[1], clause_of(h.start)[1]))
                    continue
            new_clause = clause_of(h.start)
            if cur is not None and cur.clause[0] < h.start < cur.clause[1] and not _STRONG_BREAK.search(gap):
                # split inside one clause ("streetwise and chooses to ..."): each quote its own part
                last_end = max(x.end for x in cur.hits)
                m = _NEW_CLAUSE.search(text, last_end, h.start + 16)
                cut = m.start() + 1 if m is not None and m.start() < h.start else h.start
                cur.clause = (cur.clause[0], cut)
                new_clause = (cut, new_clause[1])
            cur = _Finding(i, new_clause, [h])
            out.append(cur)
        for f in out:
            f.score = 0.62 if all(h.entry.weak for h in f.hits) else 0.8
            f.how = "matched the wording family"
        return out

    @staticmethod
    def _join_wrapped(ctx: CaseContext, findings: list[_Finding]) -> list[_Finding]:
        """A phrase broken over two segments (a table cell wrapped onto the next line, a
        sentence cut by the segmenter) is one finding: join the last finding of a segment with
        the first of the next one when nothing but a short gap lies between them."""
        out: list[_Finding] = []
        for f in findings:
            prev = out[-1] if out else None
            if prev is not None and f.seg_index == prev.seg_index + 1 and prev.page_span is None:
                s1, s2 = ctx.segments[prev.seg_index], ctx.segments[f.seg_index]
                tail = s1.text[max(x.end for x in prev.hits):].strip()
                head = s2.text[:min(x.start for x in f.hits)]
                if (s1.document, s1.page) == (s2.document, s2.page) and s2.start - s1.end < 40 \
                        and len(tokens(tail)) + len(tokens(head)) <= 8 \
                        and not re.search(r"[.!?][\"'\u201d\u2019)]*$", tail.split("|")[0].strip()):
                    prev.page_span = (s1.start + prev.clause[0], s2.start + f.clause[1])
                    prev.joined = f  # its hits' offsets are in the next segment
                    continue
            out.append(f)
        return out

    # --- ranking ----------------------------------------------------------------------------

    def _rank(self, ctx: CaseContext, findings: list[_Finding]) -> None:
        """Score each clause found with a classifier: how blaming it reads.

        The classifier ranks; it does not add findings of its own (measured: flagging clauses
        no wording family matched added more false alarms than findings on unseen authors)."""
        if not findings:
            return
        texts = []
        for f in findings:
            seg = ctx.segments[f.seg_index]
            if f.page_span is not None:
                piece = ctx.page_text(seg.document, seg.page)[f.page_span[0]:f.page_span[1]]
            else:
                piece = seg.text[f.clause[0]:f.clause[1]]
            texts.append(" ".join(piece.split()))
        probs, version = _classify(texts)
        if probs is None:
            return
        for f, p in zip(findings, probs, strict=True):
            f.p = float(p)
            f.score = float(f.score - 0.1 + 0.2 * p)
            f.how += f"; classifier {version} reads the clause as blaming with p={p:.2f}"
        # Weak wording ("refusing to engage", "older friend") stands only when the classifier
        # confirms it; strong wording stands on the guidance (measured on the training split:
        # the classifier's probability does not separate strong hits that are findings from
        # those that are not, so it ranks them and never vetoes them).
        findings[:] = [f for f, p in zip(findings, probs, strict=True)
                       if p >= _WEAK_MIN_P or not all(h.entry.weak for h in f.hits)]

    # --- output -----------------------------------------------------------------------------

    def _quote(self, ctx: CaseContext, seg: Segment, f: _Finding, alone: bool) -> Citation:
        """The clause (or the sentence when it holds only this finding), grounded in the page."""
        h = f.best
        page = ctx.page_text(seg.document, seg.page)
        if f.page_span is not None:
            a, b = f.page_span
            if len(tokens(page[a:b])) <= 55:
                a, b = _strip(page, a, b)
                return Citation(seg.document, seg.page, a, b, page[a:b])
        if alone and len(tokens(seg.text)) <= _SINGLE_MAX_TOKENS:
            lead = self._lead_in(ctx, seg, h)
            if lead is not None:
                a, b = _strip(page, lead, seg.end)
                return Citation(seg.document, seg.page, a, b, page[a:b])
            return cite_segment(ctx, seg, (seg.start + h.start, seg.start + h.end), extend_short=False)
        text = seg.text
        spans = clauses(text)
        k = next((j for j, sp in enumerate(spans) if sp[0] == f.clause[0]), 0)
        a, b = f.clause
        # Widen a very short clause with its neighbours (the subject is usually before it), never
        # over another finding's phrase: each phrase keeps a quote of its own.
        def free(sp: tuple[int, int]) -> bool:
            return not any(x < sp[1] and sp[0] < y for x, y in f.others)

        lo, hi = k, k
        while len(tokens(text[a:b])) < _MIN_QUOTE_TOKENS:
            if lo > 0 and free(spans[lo - 1]):
                lo -= 1
                a = spans[lo][0]
            elif hi < len(spans) - 1 and free(spans[hi + 1]):
                hi += 1
                b = spans[hi][1]
            else:
                break
        a, b = min(a, h.start), max(b, h.end)
        a, b = _strip(text, a, b)
        start, end = seg.start + a, seg.start + b
        if len(tokens(page[start:end])) > 55:
            return cite_segment(ctx, seg, (seg.start + h.start, seg.start + h.end), extend_short=False)
        return Citation(seg.document, seg.page, start, end, page[start:end])

    @staticmethod
    def _lead_in(ctx: CaseContext, seg: Segment, h: _Hit) -> int | None:
        """Page offset where the sentence holding a phrase starts, when the phrase opens a
        segment that a line or table break cut from its subject ("The staff describe her as |
        flirtatious with customers"); None when the segment starts the sentence."""
        if len(tokens(seg.text[:h.start])) > 2:
            return None
        page = ctx.page_text(seg.document, seg.page)
        before = page[max(0, seg.start - 200):seg.start]
        prev = before.rstrip()
        if not prev or re.search(r"[.!?:;]['\"\u201d\u2019)]*$", prev) or "\n\n" in before[-4:]:
            return None
        cut = max(prev.rfind(". "), prev.rfind("\n\n"), prev.rfind("; "), prev.rfind(": "))
        start = max(0, seg.start - 200) + (cut + 2 if cut != -1 else 0)
        if len(tokens(page[start:seg.end])) > 40:
            return None
        return start

    def _suggest(self, ctx: CaseContext, seg: Segment, f: _Finding, alone: bool,
                 guidance: dict[str, str]) -> Suggestion:
        h = f.best
        e = h.entry
        cite = self._quote(ctx, seg, f, alone)
        phrase = " ".join(seg.text[h.start:h.end].split())
        sources = "; ".join(guidance[g] for g in e.sources if g in guidance)
        rationale = (
            f"\"{phrase}\" - {e.label.lower()}. {e.concern} "
            f"Guidance recommends instead: {e.instead} (Guidance: {sources}.)"
        )
        joined = f.joined.hits if f.joined is not None else []
        others = sorted({x.entry.name for x in [*f.hits, *joined]} - {e.name})
        # other phrases of the sentence, each named once with what it does
        more: dict[str, str] = {}
        for x in f.hits:
            if x is not h and not (x.start < h.end and h.start < x.end) and x.entry.name != e.name:
                more.setdefault(" ".join(seg.text[x.start:x.end].split()), x.entry.label.lower())
        if more:
            rationale += " Also in this sentence: " + "; ".join(f"\"{ph}\" ({lab})" for ph, lab in more.items()) + "."
        title = f"{e.label}: \"{phrase[:80]}\"" + (f" (and {len(more)} more)" if more else "")
        key = json.dumps([self.type, seg.document, seg.page, cite.quote, seg.start + h.start, phrase])
        return Suggestion(
            id="s-" + hashlib.sha256(key.encode()).hexdigest()[:16],
            type="victim_blaming_language",
            title=title,
            rationale=rationale,
            confidence=clamp(f.score),
            citations=[cite],
            detector=self.name,
            detector_version=f"{self.version}+{_classifier_version()}",
            explanation={"family": e.family, "entry": e.name, "also_matched": others,
                         "how": f.how, "pattern": h.pattern, "classifier_p": f.p,
                         "classifier": _classifier_version()},
        )


# --- classifiers --------------------------------------------------------------------------------
# The fine-tuned MiniLM clause classifier runs where MiniLM already runs: in the model helper
# process when it is up (torch is imported there anyway; importing it here would cost seconds
# of every review), else in this process. Either way it reads only the clauses the lexicon
# found. When it cannot load, the logistic regression over sentence embeddings ranks instead.

_STATE: dict[str, object] = {}  # "local": the in-process model or None when it failed to load


def _clause_model_local() -> object | None:
    if "local" not in _STATE:
        try:
            from assistant.nlp.clause_model import (  # type: ignore[import-not-found,unused-ignore]
                load_clause_classifier,
            )

            _STATE["local"] = load_clause_classifier("victim_blaming")
        except Exception:  # noqa: BLE001 - absent or broken: fall back to the regression
            _STATE["local"] = None
    return _STATE["local"]


def _clause_probs(texts: list[str]) -> tuple[list[float], str] | None:
    """The clause classifier's P(blaming) and version, from the helper or this process."""
    if _STATE.get("helper_failed") is None:
        try:
            from assistant.nlp import model_server

            if model_server.enabled() and not os.environ.get("ASSISTANT_MODEL_SERVER_CHILD") \
                    and model_server.get_client().available:
                version, probs = model_server.get_client().request("clause", ("victim_blaming", texts))
                return [float(p) for p in probs], f"clause-minilm:{version}"
        except Exception:  # noqa: BLE001 - helper without the model: try this process
            _STATE["helper_failed"] = True
    m = _clause_model_local()
    if m is None:
        return None
    try:
        probs = [float(p) for p in m.predict(texts)]  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a failing model must not stop the review
        _STATE["local"] = None
        return None
    return probs, f"clause-minilm:{getattr(m, 'version', '?')}"


def _classify(texts: list[str]) -> tuple[list[float] | None, str]:
    """P(blaming) for each clause, and the classifier's version; (None, ...) when none runs."""
    got = _clause_probs(texts)
    if got is not None:
        _STATE["version"] = got[1]
        return got
    clf = load_classifier()
    if clf is None:
        return None, "none"
    try:
        from assistant.nlp.models import get_embedder

        vecs = get_embedder().encode(texts)
    except Exception:  # noqa: BLE001 - no embedder: keep the wording-family scores
        return None, "none"
    probs_arr = 1.0 / (1.0 + np.exp(-(vecs @ clf.w + clf.b)))
    _STATE["version"] = f"lr:{clf.version}"
    return [float(p) for p in probs_arr], f"lr:{clf.version}"


def _classifier_version() -> str:
    """The version of the classifier that ranked the last clauses ("none" before any)."""
    return str(_STATE.get("version", "none"))
