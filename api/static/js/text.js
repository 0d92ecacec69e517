// Page text with highlights. Offsets from the server count Unicode code points (Python string
// indices); JavaScript strings count UTF-16 units, so every slice here goes through code points,
// or a quote after an emoji or a rare character would be highlighted in the wrong place.

import { h } from './dom.js';

/** Code points of a string, so cps.slice(a, b).join('') matches Python's text[a:b]. */
export const codePoints = (s) => Array.from(s ?? '');

/** Number of code points in a string. */
export const cpLength = (s) => codePoints(s).length;

/** Merges overlapping or touching [start, end) spans; returns them sorted. */
export function mergeSpans(spans) {
  const sorted = spans.filter((s) => s && s.end > s.start).map((s) => ({ start: s.start, end: s.end }))
    .sort((a, b) => a.start - b.start);
  const out = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push(s);
  }
  return out;
}

/**
 * Renders a page's text into `pane`: the highlighted passage in <mark class="quote">, each
 * offence-details span collapsed behind a button unless its index is in `revealed`.
 * Every piece of text sits in an element with data-start/data-end (code point offsets), which
 * is how a reviewer's selection is turned back into offsets (selectionOffsets below).
 * Returns the element to scroll to (the first mark, or the collapsed span holding it).
 */
export function renderText(pane, text, { highlight = null, sensitive = [], revealed = new Set(), onToggle } = {}) {
  const cps = codePoints(text);
  const n = cps.length;
  const hl = highlight && highlight.end > highlight.start
    ? { start: Math.max(0, highlight.start), end: Math.min(n, highlight.end) } : null;
  const spans = mergeSpans(sensitive).map((s) => ({ start: Math.max(0, s.start), end: Math.min(n, s.end) }));
  const cuts = new Set([0, n]);
  if (hl) { cuts.add(hl.start); cuts.add(hl.end); }
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].filter((c) => c >= 0 && c <= n).sort((a, b) => a - b);

  pane.replaceChildren();
  let target = null;
  let wrapper = null; // the open offence-details wrapper, while chunks fall inside it
  let wrapperIdx = -1;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    if (b <= a) continue;
    const inHl = hl && a >= hl.start && b <= hl.end;
    const sIdx = spans.findIndex((s) => a >= s.start && b <= s.end);
    const chunk = h(inHl ? 'mark' : 'span', {
      class: inHl ? 'quote' : null,
      dataset: { start: String(a), end: String(b) },
    }, cps.slice(a, b).join(''));
    if (sIdx < 0) {
      wrapper = null;
      wrapperIdx = -1;
      pane.append(chunk);
      if (inHl && !target) target = chunk;
      continue;
    }
    if (sIdx !== wrapperIdx) {
      wrapperIdx = sIdx;
      const open = revealed.has(sIdx);
      const span = spans[sIdx];
      const holdsQuote = hl && hl.start < span.end && hl.end > span.start;
      const inner = h('span', { class: 'sensitive-text', hidden: !open });
      const button = h('button', {
        type: 'button',
        class: 'reveal',
        'aria-expanded': open ? 'true' : 'false',
        dataset: { idx: String(sIdx) },
        onclick: () => onToggle && onToggle(sIdx),
      }, open ? 'Hide offence details'
        : (holdsQuote ? 'Offence details hidden: the cited passage is here. Show' : 'Offence details hidden. Show'));
      wrapper = h('span', {
        class: `sensitive${open ? ' open' : ''}${holdsQuote ? ' has-quote' : ''}`,
        dataset: { idx: String(sIdx) },
      }, button, inner);
      pane.append(wrapper);
      if (holdsQuote && !open && !target) target = wrapper;
    }
    wrapper.querySelector('.sensitive-text').append(chunk);
    if (inHl && !target && revealed.has(sIdx)) target = chunk;
  }
  return target;
}

/** The offset (code points into the page text) of a DOM boundary point inside `pane`. */
function pointOffset(pane, node, offset) {
  if (node.nodeType === Node.TEXT_NODE) {
    const chunk = node.parentElement && node.parentElement.closest('[data-start]');
    if (chunk && pane.contains(chunk)) {
      return Number(chunk.dataset.start) + cpLength(node.data.slice(0, offset));
    }
  }
  // The point is between elements (or inside a button): it belongs to the next piece of text.
  const pt = document.createRange();
  pt.setStart(node, offset);
  pt.collapse(true);
  const chunks = pane.querySelectorAll('[data-start]');
  for (const c of chunks) {
    const r = document.createRange();
    r.selectNodeContents(c);
    if (pt.compareBoundaryPoints(Range.START_TO_START, r) <= 0) return Number(c.dataset.start);
    if (pt.compareBoundaryPoints(Range.START_TO_END, r) <= 0) return Number(c.dataset.end);
  }
  return chunks.length ? Number(chunks[chunks.length - 1].dataset.end) : 0;
}

/**
 * The reviewer's current text selection inside `pane` as {start, end} code point offsets into
 * `text`, trimmed of surrounding white space; null when nothing in the pane is selected.
 */
export function selectionOffsets(pane, text) {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!pane.contains(range.startContainer) || !pane.contains(range.endContainer)) return null;
  let start = pointOffset(pane, range.startContainer, range.startOffset);
  let end = pointOffset(pane, range.endContainer, range.endOffset);
  if (end < start) [start, end] = [end, start];
  const cps = codePoints(text);
  while (start < end && /\s/u.test(cps[start])) start++;
  while (end > start && /\s/u.test(cps[end - 1])) end--;
  if (end <= start) return null;
  return { start, end, quote: cps.slice(start, end).join('') };
}

/** Scrolls `el` into the middle of the scrolling `pane` without moving the rest of the page. */
export function scrollIntoPane(pane, el) {
  if (!el) return;
  const paneBox = pane.getBoundingClientRect();
  const box = el.getBoundingClientRect();
  pane.scrollTop += box.top - paneBox.top - pane.clientHeight / 3;
  if (box.left < paneBox.left || box.right > paneBox.right) {
    pane.scrollLeft += box.left - paneBox.left - 16;
  }
}

/**
 * The page text with each collapsed offence-details span replaced by a short marker, for a
 * plain-text view (the keyboard citing box). Returns {display, toSource(offset, side), toDisplay(offset)}: an
 * offset in `display` (code points) mapped back to the page text; a boundary inside a marker
 * goes to the start of the hidden span ('start') or its end ('end'), so the whole span is cited.
 */
export function maskedText(text, sensitive = [], revealed = new Set()) {
  const cps = codePoints(text);
  const spans = mergeSpans(sensitive).map((s) => ({ start: Math.max(0, s.start), end: Math.min(cps.length, s.end) }));
  const parts = []; // {d0, d1, s0, s1, hidden}
  const out = [];
  let d = 0;
  let at = 0;
  const push = (s0, s1, hidden) => {
    if (s1 <= s0) return;
    const piece = hidden ? codePoints('[offence details hidden]') : cps.slice(s0, s1);
    parts.push({ d0: d, d1: d + piece.length, s0, s1, hidden });
    out.push(piece.join(''));
    d += piece.length;
  };
  spans.forEach((s, i) => {
    push(at, s.start, false);
    push(s.start, s.end, !revealed.has(i));
    at = s.end;
  });
  push(at, cps.length, false);
  const toSource = (off, side) => {
    for (const p of parts) {
      if (off < p.d0 || off > p.d1) continue;
      if (!p.hidden) return p.s0 + (off - p.d0);
      if (side === 'start' ? off < p.d1 : off > p.d0) return side === 'start' ? p.s0 : p.s1;
    }
    return off <= 0 ? 0 : cps.length;
  };
  const toDisplay = (src) => {
    const p = parts.find((x) => src >= x.s0 && src < x.s1) || parts[parts.length - 1];
    if (!p) return 0;
    return p.hidden ? p.d0 : p.d0 + Math.min(src - p.s0, p.d1 - p.d0);
  };
  return { display: out.join(''), toSource, toDisplay };
}
