"""The batch's reports, built from every case's summary:

- ``screening.csv``: one row a case, ranked by priority, then strength of suggestions (the sum of
  the ten highest confidences), then case name; cases that could not be reviewed come last;
- ``screening.html``: the same as a printable report, sortable by keyboard-operable buttons in
  the column headers (a real ``<table>``, ``<th scope>``, ``aria-sort``; WCAG 2.2 AA colours);
- ``data_return.csv``: one row per suspect and complainant per case, each value with its citation;
- ``cross_referral.csv``: a phone number, a full vehicle registration, or a suspect's name or
  alias with the same date of birth found in two or more referrals, with the citations in each:
  a flag for a person to confirm, never a merge.
"""

from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from assistant.batch.facts import DATA_RETURN_COLUMNS, cite_text
from assistant.batch.scope import Scope
from assistant.batch.work import write_json
from assistant.types import Citation

TYPES = ("unfollowed_inquiry", "victim_blaming_language", "missing_interview")
CROSS_COLUMNS = ["flag", "kind", "value", "cases", "case", "as_recorded", "citations", "context"]


def ranked(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(x: dict[str, Any]) -> tuple[int, int, float, str]:
        sc = x.get("screening")
        if x.get("status") != "done" or not sc:
            return (1, 9, 0.0, x["case"])
        return (0, int(sc["priority"]), -float(x.get("strength", 0.0)), x["case"])

    return sorted(summaries, key=key)


def _criterion_cell(check: dict[str, Any]) -> str:
    c = check.get("citation")
    if check["status"] == "not in the file: verify" or not c:
        return str(check["status"])
    return f"{check['status']}: {cite_text(Citation(**c))}"


def screening_rows(summaries: list[dict[str, Any]], scope: Scope) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for rank, x in enumerate(ranked(summaries), 1):
        sc = x.get("screening") or {}
        checks = {c["id"]: c for c in sc.get("checklist", [])}
        row: dict[str, Any] = {
            "rank": rank,
            "case": x["case"],
            "in_scope": "" if not sc else ("yes" if sc["in_scope"] else "no"),
            "verdict": sc.get("verdict", "") if sc else f"not reviewed: {x.get('error', '')}",
            "priority": sc.get("priority", "") if sc else "",
            "rape_alleged": "" if not sc else ("yes" if sc["rape_alleged"] else "no"),
            "suspects": sc.get("suspects", "") if sc else "",
            "victims": sc.get("victims", "") if sc else "",
            "force": sc.get("force", "") if sc else "",
            "nfa_date": (sc.get("nfa_date") or "") if sc else "",
        }
        for c in scope.criteria:
            row[c.id] = _criterion_cell(checks[c.id]) if c.id in checks else ""
        for t in TYPES:
            row[t] = x.get("counts", {}).get(t, "") if sc else ""
        row["strength"] = x.get("strength", "") if sc else ""
        for i in range(3):
            top = x.get("top", [])
            row[f"top_{i + 1}"] = (f"{top[i]['title']} ({top[i]['document']} p.{top[i]['page']})"
                                   if i < len(top) else "")
        row["pages"] = x.get("pages", 0)
        row["ocr_pages"] = x.get("ocr_pages", 0)
        row["failed_files"] = " | ".join(x.get("failed_files", []))
        row["error"] = x.get("error", "")
        rows.append(row)
    return rows


def screening_columns(scope: Scope) -> list[str]:
    return (["rank", "case", "in_scope", "verdict", "priority", "rape_alleged", "suspects", "victims", "force",
             "nfa_date"] + [c.id for c in scope.criteria] + list(TYPES)
            + ["strength", "top_1", "top_2", "top_3", "pages", "ocr_pages", "failed_files", "error"])


def cross_rows(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for x in summaries:
        for item in x.get("identifiers", []):
            by_id[(item["kind"], item["value"])].setdefault(x["case"], item)
    rows: list[dict[str, Any]] = []
    n = 0
    for (kind, value), per_case in sorted(by_id.items()):
        if len(per_case) < 2:
            continue
        n += 1
        for case, item in sorted(per_case.items()):
            rows.append({
                "flag": f"X{n:04d}",
                "kind": kind,
                "value": value,
                "cases": "; ".join(sorted(per_case)),
                "case": case,
                "as_recorded": item.get("shown", ""),
                "citations": " | ".join(cite_text(Citation(**c)) for c in item.get("citations", [])),
                "context": item.get("context", ""),
            })
    return rows


def _csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        # A cell that starts like a formula is not run by a spreadsheet (CSV injection).
        w.writerow({k: ("'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)
                    for k, v in r.items()})
    tmp = path.with_suffix(".tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(path)


def write_all(summaries: list[dict[str, Any]], out_dir: Path, scope: Scope) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    srows = screening_rows(summaries, scope)
    paths = {
        "screening_csv": out_dir / "screening.csv",
        "screening_html": out_dir / "screening.html",
        "data_return": out_dir / "data_return.csv",
        "cross_referral": out_dir / "cross_referral.csv",
    }
    _csv(paths["screening_csv"], screening_columns(scope), srows)
    people = [p for x in ranked(summaries) for p in x.get("people", [])]
    _csv(paths["data_return"], DATA_RETURN_COLUMNS, people)
    xrows = cross_rows(summaries)
    _csv(paths["cross_referral"], CROSS_COLUMNS, xrows)
    tmp = paths["screening_html"].with_suffix(".tmp")
    tmp.write_text(render_html(srows, xrows, scope, people=len(people)), encoding="utf-8")
    tmp.replace(paths["screening_html"])
    write_json(out_dir / ".batch" / "reports.json", {k: str(v) for k, v in paths.items()})
    return paths


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
       background: #ffffff; margin: 1.25rem; font-size: 14px; line-height: 1.4; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
p.lead { margin: .25rem 0 1rem; max-width: 70rem; color: #333333; }
.totals { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: 0 0 1rem; padding: 0; list-style: none; }
.totals li { border: 1px solid #767676; border-radius: 4px; padding: .35rem .7rem; }
.scroll { overflow-x: auto; max-width: 100%; }
.scroll:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
td { min-width: 3.5rem; } td.cite { min-width: 9.5rem; } td.top-cell { min-width: 20rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
th, td { border: 1px solid #8a8a8a; padding: .3rem .4rem; vertical-align: top; text-align: left; }
thead th { background: #1f3a5f; color: #ffffff; position: sticky; top: 0; }
thead th button { all: unset; cursor: pointer; display: inline-flex; gap: .25rem; align-items: center;
                  color: #ffffff; font-weight: 600; min-height: 24px; min-width: 24px; }  /* WCAG 2.5.8 */
thead th button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
thead th button:hover { text-decoration: underline; }
tbody th { font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) { background: #f3f5f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.st { display: inline-block; border-radius: 3px; padding: 0 .3rem; font-weight: 600; white-space: nowrap; }
.st-met { background: #e3f1e6; color: #0b4f1c; }
.st-not { background: #fbe4e2; color: #8a1410; }
.st-verify { background: #fff1cc; color: #4d3800; }
.st-fail { background: #fbe4e2; color: #8a1410; }
.p1 { background: #8a1410; color: #ffffff; } .p2 { background: #1f3a5f; color: #ffffff; }
.p3 { background: #e6e6e6; color: #1a1a1a; }
ol.top { margin: 0; padding-left: 1.1rem; }
.small { color: #4a4a4a; font-size: 11.5px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { margin: 0; font-size: 10px; }
  thead th { position: static; background: #ffffff !important; color: #000000; border-bottom: 2px solid #000; }
  thead th button { color: #000000; }
  .arrow { display: none; }
  tr { break-inside: avoid; }
  tbody tr:nth-child(even) { background: #ffffff; }
  .scroll { overflow: visible; }
  td.cite, td.top-cell { min-width: 0; }
}
"""

_JS = """
(function () {
  function sortTable(table, col, type, btn) {
    var th = btn.closest('th');
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    table.querySelectorAll('thead th').forEach(function (h) {
      h.removeAttribute('aria-sort');
      var a = h.querySelector('.arrow'); if (a) { a.textContent = '\\u2195'; }
    });
    th.setAttribute('aria-sort', dir);
    btn.querySelector('.arrow').textContent = dir === 'ascending' ? '\\u2191' : '\\u2193';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-sort') || a.cells[col].textContent.trim();
      var y = b.cells[col].getAttribute('data-sort') || b.cells[col].textContent.trim();
      var r;
      if (type === 'num') {
        var nx = parseFloat(x), ny = parseFloat(y);
        if (isNaN(nx)) { nx = Infinity; } if (isNaN(ny)) { ny = Infinity; }
        r = nx - ny;
      } else { r = x.localeCompare(y, undefined, {numeric: true, sensitivity: 'base'}); }
      return dir === 'ascending' ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    var live = document.getElementById('sort-status');
    if (live) { live.textContent = 'Sorted by ' + btn.getAttribute('data-label') + ', ' + dir + '.'; }
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('thead th button').forEach(function (btn) {
      btn.addEventListener('click', function () {
        sortTable(table, parseInt(btn.getAttribute('data-col'), 10), btn.getAttribute('data-type'), btn);
      });
    });
  });
})();
"""


def _e(v: Any) -> str:
    return html.escape(str(v), quote=True)


def _status_html(cell: str) -> str:
    """A status badge and the place that shows it (document and page; the quote is in the CSV)."""
    if not cell:
        return ""
    status, _, rest = cell.partition(": ")
    if cell.startswith("not in the file"):
        return '<span class="st st-verify">verify</span><div class="small">not in the file</div>'
    cls = {"met": "st-met", "not met": "st-not"}.get(status, "st-verify")
    place = rest.split(" [", 1)[0]
    quote = rest.split("]: ", 1)[1] if "]: " in rest else ""
    return (f'<span class="st {cls}">{_e(status)}</span><div class="small">{_e(place)}'
            + (f"<br>{_e(quote)}" if quote else "") + "</div>")


def render_html(rows: list[dict[str, Any]], xrows: list[dict[str, Any]], scope: Scope, *, people: int) -> str:
    cols: list[tuple[str, str, str]] = [  # (key, label, type)
        ("rank", "Rank", "num"), ("case", "Case", "text"), ("priority", "Priority", "num"),
        ("in_scope", "Verdict", "text"), ("rape_alleged", "Rape alleged", "text"),
        ("suspects", "Suspects", "num"), ("victims", "Victims", "num"), ("force", "Force", "text"),
        ("nfa_date", "NFA date", "text"),
    ]
    cols += [(c.id, c.label, "text") for c in scope.criteria]
    cols += [("unfollowed_inquiry", "Unfollowed inquiries", "num"), ("victim_blaming_language", "Victim-blaming",
             "num"), ("missing_interview", "Missing interviews", "num"), ("strength", "Strength", "num"),
             ("top", "Strongest suggestions", "text"), ("pages", "Pages", "num"), ("ocr_pages", "OCR pages", "num"),
             ("failed_files", "Files that failed", "text")]
    head = []
    for i, (key, label, typ) in enumerate(cols):
        aria = ' aria-sort="ascending"' if key == "rank" else ""
        arrow = "\u2191" if key == "rank" else "\u2195"
        head.append(f'<th scope="col"{aria}><button type="button" data-col="{i}" data-type="{typ}" '
                    f'data-label="{_e(label)}">{_e(label)}<span class="arrow" aria-hidden="true">{arrow}</span>'
                    f'</button></th>')
    body = []
    n_in = n_p1 = n_fail = 0
    for r in rows:
        cells = []
        for key, _label, _typ in cols:
            v = r.get(key, "")
            if key == "case":
                cells.append(f'<th scope="row">{_e(v)}</th>')
            elif key == "priority":
                cells.append(f'<td class="num" data-sort="{_e(v if v != "" else 9)}">'
                             + (f'<span class="st p{_e(v)}">{_e(v)}</span>' if v != "" else "") + "</td>")
            elif key == "in_scope":
                if r["verdict"].startswith("not reviewed"):
                    txt = '<span class="st st-fail">not reviewed</span>'
                else:
                    txt = (f'<span class="st {"st-met" if v == "yes" else "st-not"}">'
                           f'{"in scope" if v == "yes" else "not in scope"}</span>')
                why = str(r["verdict"])
                if why.startswith("in scope, subject to verifying: "):
                    n = len(why.split(": ", 1)[1].split("; "))
                    why = f"{n} criteria to verify"
                elif why == "in scope":
                    why = "every criterion met"
                cells.append(f'<td data-sort="{_e(v)}">{txt}<div class="small">{_e(why)}</div></td>')
            elif key in {c.id for c in scope.criteria}:
                cells.append(f'<td class="cite" data-sort="{_e(str(v).split(":")[0])}">{_status_html(str(v))}</td>')
            elif key == "top":
                items = [r[f"top_{i}"] for i in (1, 2, 3) if r.get(f"top_{i}")]
                listed = "".join(f"<li>{_e(t)}</li>" for t in items)
                cells.append('<td class="top-cell">' + (f'<ol class="top">{listed}</ol>' if items else "") + "</td>")
            elif key == "failed_files":
                txt = "<br>".join(_e(t) for t in str(v).split(" | ") if t)
                if r.get("error"):
                    txt = (f'<span class="st st-fail">case failed</span> {_e(r["error"])}' + ("<br>" if txt else "")
                           + txt)
                cells.append(f'<td class="small">{txt}</td>')
            elif _typ == "num":
                cells.append(f'<td class="num" data-sort="{_e(v)}">{_e(v)}</td>')
            else:
                cells.append(f"<td>{_e(v)}</td>")
        n_in += r["in_scope"] == "yes"
        n_p1 += r["priority"] == 1
        n_fail += bool(r.get("error"))
        body.append("<tr>" + "".join(cells) + "</tr>")
    xhead = "".join(f'<th scope="col"><button type="button" data-col="{i}" data-type="text" data-label="{_e(lab)}">'
                    f'{_e(lab)}<span class="arrow" aria-hidden="true">\u2195</span></button></th>'
                    for i, lab in enumerate(["Flag", "Kind", "Value", "Case", "As recorded", "Where"]))
    xbody = "".join(
        f'<tr><th scope="row">{_e(x["flag"])}</th><td>{_e(x["kind"])}</td><td>{_e(x["value"])}</td>'
        f'<td>{_e(x["case"])}</td><td>{_e(x["as_recorded"])}</td><td class="small">{_e(x["citations"])}</td></tr>'
        for x in xrows)
    n_flags = len({x["flag"] for x in xrows})
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Batch pre-screening: {len(rows)} referrals</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<h1>Batch pre-screening of referrals</h1>
<p class="lead">Suggestions for a person to check, not decisions. Ranked by priority (1: rape alleged and in
scope; 2: in scope; 3: not in scope), then by the strength of the suggestions. Each scope criterion
({_e(scope.version)}) is <strong>met</strong> or <strong>not met</strong> with the place in the file that shows
it, or <strong>verify</strong> when the file does not say. Sort by any column with the buttons in the headers.</p>
<ul class="totals">
<li>{len(rows)} referrals</li><li>{n_in} in scope</li><li>{n_p1} priority 1</li>
<li>{n_fail} could not be reviewed</li><li>{people} people in the data return</li>
<li>{n_flags} cross-referral flags</li>
</ul>
<p id="sort-status" class="sr-only" aria-live="polite"></p>
<div class="scroll" role="region" aria-labelledby="screening-caption" tabindex="0">
<table class="sortable" id="screening">
<caption id="screening-caption">Referrals, ranked (scroll sideways for every column)</caption>
<thead><tr>{"".join(head)}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</div>
<h2 id="cross">Cross-referral flags</h2>
<p class="lead">The same phone number, vehicle registration, or suspect name or alias with the same date of
birth, found in two or more referrals. A possible link for a person to confirm: the cases are not merged.</p>
{('<table class="sortable" id="cross-referral"><caption>Identifiers found in more than one referral</caption>'
  f'<thead><tr>{xhead}</tr></thead><tbody>{xbody}</tbody></table>') if xrows else '<p>None found.</p>'}
</main>
<script>{_JS}</script>
</body>
</html>
"""
