"""Deterministic synthetic case-file bundles for the speed benchmark (``eval/benchmark.py``).

Two bundles, generated from templates with a seeded RNG, so every run (and every machine)
measures the same pages:

- a *dense digital* PDF: pages of about 4,000 characters of case-file prose and logs (log
  entries, action records, decision-log entries, agency notes, statement extracts), set in
  9 pt type by reportlab in invariant mode (same bytes every time);
- a *scanned* PDF: pages of about 2,500 characters rendered at 300 dpi, rotated a little,
  speckled and blurred like a photocopy, stored as JPEG images with no text layer.

Everything here is invented: names, places, numbers (Ofcom's drama ranges for phones).
Usage::

    python -m eval.bundles OUT_DIR [--dense-pages 200] [--scanned-pages 20] [--seed 7]
"""

from __future__ import annotations

import argparse
import io
import random
import textwrap
from collections.abc import Callable
from pathlib import Path

DENSE_CHARS = 4000
SCANNED_CHARS = 2500
SCAN_DPI = 300

_FIRST = [
    "Aisha",
    "Bethany",
    "Chloe",
    "Danielle",
    "Ellie",
    "Farah",
    "Georgia",
    "Hollie",
    "Imogen",
    "Jade",
    "Kayleigh",
    "Lacey",
    "Megan",
    "Nadia",
    "Olivia",
    "Paige",
    "Rosie",
    "Shannon",
    "Tia",
    "Zara",
]
_MALE = [
    "Adil",
    "Brandon",
    "Callum",
    "Dean",
    "Emre",
    "Faisal",
    "Gary",
    "Harun",
    "Imran",
    "Jason",
    "Kieran",
    "Liam",
    "Marek",
    "Nathan",
    "Omar",
    "Perry",
    "Reece",
    "Shaun",
    "Tariq",
    "Wayne",
]
_SURNAME = [
    "ASHWORTH",
    "BRIERLEY",
    "CALVERT",
    "DUNMORE",
    "ELLWOOD",
    "FENWICK",
    "GARSIDE",
    "HOLROYD",
    "INGHAM",
    "JAGGER",
    "KERSHAW",
    "LOFTHOUSE",
    "MIDGLEY",
    "NUTTALL",
    "OLDROYD",
    "PICKLES",
    "RAMSDEN",
    "SUTCLIFFE",
    "TETLEY",
    "UTTLEY",
    "WADSWORTH",
]
_OFFICER = ["DC", "DC", "PC", "PC", "DS", "DI", "Sgt", "TDC"]
_PLACE = [
    "the takeaway on Mill Lane",
    "the flat above the bookmakers on Station Road",
    "the car park behind the retail park",
    "the bus station on Cross Street",
    "the park near the canal bridge",
    "a house on Orchard Terrace",
    "the hotel by the ring road",
    "the snooker hall on Victoria Street",
    "the garages at the end of Beck Close",
    "the shopping centre food court",
    "a flat in Lister Court",
    "the lay-by on the bypass",
]
_AGENCY = [
    "Children's Social Care",
    "the school safeguarding lead",
    "the MASH",
    "the sexual health clinic",
    "the GP surgery",
    "the youth offending team",
    "the missing persons coordinator",
    "the CSE team",
    "the ISVA service",
    "the Local Authority emergency duty team",
]
_VEHICLE = [
    "silver Vauxhall Astra",
    "black Audi A3",
    "white Ford Transit",
    "grey BMW 3 series",
    "red Seat Leon",
    "blue Toyota Prius (private hire)",
    "black Mercedes C class",
]
_OUTCOME = [
    "viewed, nothing of evidential value",
    "exhibited as JH/4 and viewed",
    "not retained, system overwrites after 28 days",
    "awaiting return from the provider",
    "request sent, no reply on file",
    "downloaded, report on file",
    "not progressed at this time",
    "allocated to the OIC",
    "complete, see statement",
]


class _Gen:
    """Seeded generator of case-file text; every call to ``rng`` advances one stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.entry = 1
        self.action = 1

    def pick(self, seq: list[str]) -> str:
        return self.rng.choice(seq)

    def child(self) -> str:
        return f"{self.pick(_FIRST)} {self.pick(_SURNAME)}"

    def male(self) -> str:
        return f"{self.pick(_MALE)} {self.pick(_SURNAME)}"

    def officer(self) -> str:
        return f"{self.pick(_OFFICER)} {self.rng.randint(1000, 9999)} {self.pick(_SURNAME)}"

    def date(self) -> str:
        return (
            f"{self.rng.randint(1, 28):02d}/{self.rng.randint(1, 12):02d}/"
            f"{self.rng.randint(2011, 2023)}"
        )

    def time(self) -> str:
        minutes = self.rng.choice(["00", "15", "20", "35", "45", "50"])
        return f"{self.rng.randint(0, 23):02d}{minutes}"

    def vrm(self) -> str:
        letters = "ABCDEFGHJKLMNPRSTUVWXY"
        r = self.rng
        return (
            f"{r.choice(letters)}{r.choice(letters)}{r.randint(10, 72)} "
            f"{r.choice(letters)}{r.choice(letters)}{r.choice(letters)}"
        )

    def phone(self) -> str:
        return f"07700 900{self.rng.randint(0, 999):03d}"

    # --- the kinds of passage a case file is made of -------------------------------------
    # Each passage is a header plus a few sentences drawn from pools with slots (names,
    # dates, places, numbers), so that, as in a real file, few sentences repeat verbatim:
    # a bundle of repeated sentences would flatter the embedding cache.
    def fill(self, pool: list[Callable[[], str]], lo: int, hi: int) -> str:
        picks = self.rng.sample(pool, k=min(len(pool), self.rng.randint(lo, hi)))
        return " ".join(p() for p in picks)

    def _log_pool(self) -> list[Callable[[], str]]:
        r = self.rng
        return [
            lambda: (
                f"Spoke to {self.child()} at {self.pick(['home', 'school', 'the unit'])} "
                f"in the presence of her {self.pick(['mother', 'carer', 'social worker'])}."
            ),
            lambda: (
                f"She did not wish to discuss the events of {self.date()} and asked "
                f"that officers {self.pick(['leave', 'return another day', 'call first'])}."
            ),
            lambda: f"Attended {self.pick(_PLACE)} with {self.officer()} at {self.time()} hrs.",
            lambda: (
                f"Premises {self.pick(['closed', 'open', 'unattended'])}; the "
                f"{self.pick(['owner', 'manager', 'landlord'])} is to be contacted "
                f"about the camera covering the {self.pick(['rear', 'front', 'side'])} "
                "entrance."
            ),
            lambda: (
                f"Call from {self.pick(_AGENCY)}: the child was found at "
                f"{self.pick(_PLACE)} at {self.time()} hrs with "
                f"{self.pick(['two', 'three', 'several'])} older males."
            ),
            lambda: f"The males left in a {self.pick(_VEHICLE)}, partial index {self.vrm()[:4]}.",
            lambda: (
                f"PNC check on {self.vrm()}: registered keeper {self.male()}, "
                f"{self.pick(['no markers', 'one previous', 'insurance lapsed'])}."
            ),
            lambda: (
                f"ANPR request submitted for {self.date()} to {self.date()}, "
                f"reference {r.randint(100, 999)}/{r.randint(10, 99)}."
            ),
            lambda: (
                f"Handset seized from {self.child()} and booked in as exhibit "
                f"{self.pick(['KB', 'MT', 'SR', 'JH'])}/{r.randint(1, 30)}."
            ),
            lambda: (
                f"Submitted to the digital unit for a level {r.randint(1, 3)} "
                f"extraction, job {r.randint(10000, 99999)}."
            ),
            lambda: (
                f"Strategy discussion with {self.pick(_AGENCY)} and "
                f"{self.pick(_AGENCY)} on {self.date()}."
            ),
            lambda: (
                f"Agreed that the ABE interview of {self.child()} is to be planned once "
                f"an intermediary has assessed her needs."
            ),
            lambda: (
                f"Number {self.phone()} attributed to the male known as "
                f"'{self.pick(['Smiley', 'Boss', 'Tiny', 'Jay', 'Uncle', 'Mo', 'Kez'])}'."
            ),
            lambda: (
                f"Subscriber check on {self.phone()} requested from the network; "
                f"result {self.pick(_OUTCOME)}."
            ),
            lambda: (
                f"File reviewed with {self.officer()}; {r.randint(2, 9)} actions remain "
                "outstanding."
            ),
            lambda: (
                f"The suspect {self.male()} has not yet been traced and was circulated on "
                f"PNC on {self.date()}."
            ),
            lambda: (
                f"The {self.pick(['mother', 'carer', 'residential worker'])} reported the "
                f"child missing at {self.time()} hrs on {self.date()}."
            ),
            lambda: (
                f"She returned "
                f"{self.pick(['the following morning', 'after two days', 'at 0300 hrs'])} "
                f"in a {self.pick(['taxi', 'car', 'van'])} paid for by "
                f"{self.pick(['an unknown male', self.male(), 'a man she called a friend'])}"
                "."
            ),
            lambda: (
                f"Return home interview offered by {self.pick(_AGENCY)} on {self.date()}; "
                f"{self.pick(['declined', 'completed', 'no answer at the address'])}."
            ),
        ]

    def log_entry(self) -> str:
        n = self.entry
        self.entry += 1
        body = self.fill(self._log_pool(), 2, 4)
        return f"Entry {n:03d}  {self.date()} {self.time()}  {self.officer()}\n{body}"

    def action_record(self) -> str:
        n = self.action
        self.action += 1
        what = self.pick(
            [
                f"Obtain and view CCTV from {self.pick(_PLACE)} for {self.date()}",
                f"Trace, interview and eliminate the driver of {self.vrm()}",
                f"Obtain call data for {self.phone()} and cell site for the evening of "
                f"{self.date()}",
                f"Request school attendance records and safeguarding notes from "
                f"{self.pick(_AGENCY)}",
                f"Arrange a SARC examination for {self.child()} and submit the clothing seized on "
                f"{self.date()}",
                f"Identify the address at {self.pick(_PLACE)} and consider a search under "
                "s.32 PACE",
                f"Interview {self.male()} under caution "
                f"({self.pick(['voluntary attendance', 'on arrest'])})",
                f"Obtain an MG11 statement from the friend present, {self.child()}",
                f"Preserve and request the "
                f"{self.pick(['Snapchat', 'Instagram', 'Facebook', 'WhatsApp'])} "
                f"account data of {self.child()}",
                f"Obtain the bank records of {self.male()} showing payments and phone top-ups",
                f"House-to-house enquiries on "
                f"{self.pick(['Orchard Terrace', 'Beck Close', 'Mill Lane'])} "
                f"for the night of {self.date()}",
                f"Check hotel registers at {self.pick(_PLACE)} for {self.date()}",
                f"Obtain the booking records of the taxi firm for {self.vrm()}",
            ]
        )
        result = self.pick(_OUTCOME)
        return (
            f"ACTION A{n:03d}  Raised {self.date()}  Allocated {self.officer()}\n"
            f"Action: {what}.\nResult: {result[0].upper()}{result[1:]} ({self.date()})."
        )

    def decision(self) -> str:
        pool: list[Callable[[], str]] = [
            lambda: f"I have considered whether the threshold for arrest of {self.male()} is met.",
            lambda: (
                f"Given the time elapsed since {self.date()}, a voluntary interview is "
                "proportionate."
            ),
            lambda: f"The investigation will focus on {self.male()} and {self.male()}.",
            lambda: (
                f"The male known as '{self.pick(['Jay', 'Tiny', 'Boss'])}' remains "
                "unidentified and the lines to identify him are recorded as actions."
            ),
            lambda: (
                f"A file will be submitted to the CPS for early investigative advice by "
                f"{self.date()}."
            ),
            lambda: (
                f"The download of exhibit {self.pick(['KB', 'MT', 'SR'])}/"
                f"{self.rng.randint(1, 30)} is central and is to be reviewed by "
                f"{self.officer()}."
            ),
            lambda: (
                f"Following the advice received on {self.date()}, no further action will be "
                f"taken against {self.male()} on evidential grounds."
            ),
            lambda: f"{self.child()} and her family are to be updated by {self.officer()}.",
            lambda: (
                f"Outcome code {self.pick(['14', '15', '16', '18', '21'])} applied on "
                f"{self.date()}."
            ),
        ]
        return f"SIO decision log {self.date()}: " + self.fill(pool, 2, 3)

    def agency_note(self) -> str:
        agency = self.pick(_AGENCY)
        pool: list[Callable[[], str]] = [
            lambda: (
                f"{self.child()} disclosed that she had been given "
                f"{self.pick(['alcohol', 'cannabis', 'alcohol and cannabis', 'cigarettes'])} "
                f"at {self.pick(_PLACE)}."
            ),
            lambda: (
                f"She said that {self.pick(['men', 'older males', 'two men'])} she did not "
                f"know were present on {self.date()}."
            ),
            lambda: (
                f"Worker visited the family home at {self.time()} hrs; the child was not present."
            ),
            lambda: (
                f"Her whereabouts were unknown to the "
                f"{self.pick(['carer', 'mother', 'father'])}; "
                f"police informed, reference {self.rng.randint(100, 999)}."
            ),
            lambda: (
                f"Referral received from {self.pick(_AGENCY)} about gifts, a new phone and "
                f"lifts in a {self.pick(_VEHICLE)}."
            ),
            lambda: (
                f"Risk assessment updated on {self.date()}; the child was missing overnight "
                f"{self.rng.randint(2, 9)} times this month."
            ),
            lambda: (
                f"A safety plan is being agreed with "
                f"{self.pick(['the family', 'the carers', 'the school'])}."
            ),
            lambda: (
                f"Appointment attended on {self.date()}; a follow-up was booked for {self.date()}."
            ),
            lambda: (
                f"Concerns shared with the allocated social worker, {self.pick(_FIRST)} "
                f"{self.pick(_SURNAME).title()}."
            ),
        ]
        return f"{agency[0].upper()}{agency[1:]} record, {self.date()}: " + self.fill(pool, 2, 4)

    def statement(self) -> str:
        pool: list[Callable[[], str]] = [
            lambda: f"On the evening of {self.date()} I was at {self.pick(_PLACE)} with my friend.",
            lambda: (
                f"A man I now know as {self.male()} drove up in a {self.pick(_VEHICLE)} and "
                "asked if we wanted a lift."
            ),
            lambda: (
                f"He gave us {self.pick(['vodka', 'cider', 'weed', 'cigarettes'])} and said "
                f"we could go to a party at {self.pick(_PLACE)}."
            ),
            lambda: f"I remember the registration had the letters {self.vrm()[-3:]} in it.",
            lambda: (
                f"He messaged me afterwards from {self.phone()} and told me not to tell "
                f"{self.pick(['anyone', 'my mum', 'the police', 'my social worker'])}."
            ),
            lambda: (
                f"The flat was above a {self.pick(['shop', 'takeaway', 'barber'])} near "
                f"{self.pick(['the main road', 'the station', 'the park'])}."
            ),
            lambda: (
                f"There were {self.pick(['three', 'four', 'two'])} other men there who I "
                "did not know."
            ),
            lambda: (
                f"I was {self.rng.randint(12, 16)} at the time and I was in year "
                f"{self.rng.randint(8, 11)} at school."
            ),
        ]
        return "Statement extract (MG11): " + self.fill(pool, 3, 6)

    def passage(self) -> str:
        make: list[Callable[[], str]] = [
            self.log_entry,
            self.log_entry,
            self.action_record,
            self.decision,
            self.agency_note,
            self.statement,
        ]
        return self.pick_fn(make)()

    def pick_fn(self, seq: list[Callable[[], str]]) -> Callable[[], str]:
        return seq[self.rng.randrange(len(seq))]


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for para_line in text.split("\n"):
        lines.extend(textwrap.wrap(para_line, width=width) or [""])
    return lines


def page_lines(gen: _Gen, number: int, total: int, chars: int, width: int) -> list[str]:
    """One page: a record-system header, then passages until about ``chars`` characters."""
    header = (
        f"OPERATION KESTREL  |  OFFICIAL-SENSITIVE  |  Ref 13/{4000 + number}/{2016}  "
        f"|  Page {number} of {total}"
    )
    lines = [header, ""]
    size = len(header)
    while size < chars:
        for line in _wrap(gen.passage(), width) + [""]:
            lines.append(line)
            size += len(line) + 1
    return lines


def bundle_pages(
    n_pages: int, *, seed: int = 7, chars: int = DENSE_CHARS, width: int = 110
) -> list[list[str]]:
    """The lines of every page of a bundle (deterministic for a given seed)."""
    gen = _Gen(seed)
    return [page_lines(gen, i + 1, n_pages, chars, width) for i in range(n_pages)]


def write_text_pdf(path: Path, pages: list[list[str]], *, font_size: float = 8.5) -> Path:
    """A digital PDF (text layer) of ``pages``, one line of text per line, A4."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, height = A4
    leading = font_size * 1.22
    for lines in pages:
        y = height - 36
        text = c.beginText(34, y)
        text.setFont("Helvetica", font_size, leading=leading)
        for line in lines:
            text.textLine(line)
        c.drawText(text)
        c.showPage()
    c.save()
    return path


def write_dense_pdf(path: Path, n_pages: int = 200, *, seed: int = 7) -> Path:
    """The dense digital bundle: ``n_pages`` pages of about 4,000 characters each."""
    return write_text_pdf(path, bundle_pages(n_pages, seed=seed, chars=DENSE_CHARS, width=120))


def _scan_noise(img: object, rng: random.Random) -> object:
    """Make a clean render look photocopied: a slight skew, speckle, a little blur."""
    import numpy as np
    from PIL import Image, ImageFilter

    assert isinstance(img, Image.Image)
    gray = img.convert("L").rotate(
        rng.uniform(-1.2, 1.2), resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255
    )
    arr = np.asarray(gray, dtype=np.int16)
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    arr = arr + nrng.normal(0, 12, arr.shape).astype(np.int16)  # sensor / toner grain
    speck = nrng.random(arr.shape)
    arr[speck < 0.0015] = 0  # dust
    arr[speck > 0.9985] = 255
    arr = np.clip(arr - 18, 0, 255)  # a greyish page
    out = Image.fromarray(arr.astype(np.uint8), mode="L")
    return out.filter(ImageFilter.GaussianBlur(radius=0.6))


def write_scanned_pdf(
    path: Path, n_pages: int = 20, *, seed: int = 11, dpi: int = SCAN_DPI
) -> Path:
    """The scanned bundle: pages rendered at ``dpi``, made noisy, saved as image-only PDF."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    clean = path.with_suffix(".clean.pdf")
    pages = bundle_pages(n_pages, seed=seed, chars=SCANNED_CHARS, width=95)
    write_text_pdf(clean, pages, font_size=10.5)
    rng = random.Random(seed)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    pdf = pdfium.PdfDocument(str(clean))
    try:
        for i in range(len(pdf)):
            img = pdf[i].render(scale=dpi / 72).to_pil()
            noisy = _scan_noise(img, rng)
            buf = io.BytesIO()
            noisy.save(buf, format="JPEG", quality=70)  # type: ignore[attr-defined]
            buf.seek(0)
            # A JPEG given to reportlab is embedded as is (DCTDecode), like a scanner's output.
            c.drawImage(ImageReader(buf), 0, 0, width=width, height=height)
            c.showPage()
    finally:
        pdf.close()
    c.save()
    clean.unlink()
    return path


def make_dense_case(root: Path, n_pages: int = 200, *, seed: int = 7) -> Path:
    """``root/dense-<n>/bundle.pdf``: a case folder holding the dense bundle."""
    case = root / f"dense-{n_pages}"
    case.mkdir(parents=True, exist_ok=True)
    write_dense_pdf(case / "bundle.pdf", n_pages, seed=seed)
    return case


def make_scanned_case(root: Path, n_pages: int = 20, *, seed: int = 11) -> Path:
    """``root/scanned-<n>/scan.pdf``: a case folder holding the scanned bundle."""
    case = root / f"scanned-{n_pages}"
    case.mkdir(parents=True, exist_ok=True)
    write_scanned_pdf(case / "scan.pdf", n_pages, seed=seed)
    return case


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m eval.bundles",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("out_dir", type=Path)
    p.add_argument("--dense-pages", type=int, default=200)
    p.add_argument("--scanned-pages", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args(argv)
    if a.dense_pages:
        print(make_dense_case(a.out_dir, a.dense_pages, seed=a.seed))
    if a.scanned_pages:
        print(make_scanned_case(a.out_dir, a.scanned_pages, seed=a.seed + 4))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
