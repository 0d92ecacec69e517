// The cited page, shown two ways side by side: the page text (quote highlighted and scrolled
// into view, offence details collapsed) and the page image with the quoted words boxed.

import { get, ApiError } from './api.js';
import { h, plural } from './dom.js';
import { renderText, selectionOffsets, scrollIntoPane, mergeSpans, maskedText, codePoints } from './text.js';
import { chooseWordsDialog } from './dialogs.js';

const pageCache = new Map(); // "caseId/docId/page" -> page payload
const imageCache = new Map(); // same key -> object URL, or null when the page has no image

function key(caseId, docId, page) { return `${caseId}/${docId}/${page}`; }

/** Fetches a page's text, boxes and offence-detail spans (cached for the session). */
export async function loadPage(caseId, docId, page) {
  const k = key(caseId, docId, page);
  if (!pageCache.has(k)) {
    const path = `/api/cases/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(docId)}/pages/${page}`;
    pageCache.set(k, get(path).then((r) => r.data).catch((e) => { pageCache.delete(k); throw e; }));
  }
  return pageCache.get(k);
}

async function loadImage(caseId, docId, page) {
  const k = key(caseId, docId, page);
  if (!imageCache.has(k)) {
    const path = `/api/cases/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(docId)}/pages/${page}/image`;
    imageCache.set(k, get(path, { as: 'blob' })
      .then((r) => URL.createObjectURL(r.data))
      .catch((e) => {
        imageCache.delete(k);
        // A text or Word document has no page image: that is not an error to shout about.
        if (e instanceof ApiError && (e.status === 404 || e.status === 204 || e.status === 422)) return null;
        throw e;
      }));
  }
  return imageCache.get(k);
}

/** Boxes as fractions of the page, whatever unit the server used. */
function normBox(b, page) {
  const big = Math.max(b.x0, b.y0, b.x1, b.y1) > 1.5;
  const w = big && page.width ? page.width : 1;
  const hgt = big && page.height ? page.height : 1;
  return { x0: b.x0 / w, y0: b.y0 / hgt, x1: b.x1 / w, y1: b.y1 / hgt };
}

function overlaps(box, span) { return box.start < span.end && box.end > span.start; }

export class PageViewer {
  /**
   * @param root element to render into
   * @param opts {caseId, documents: [{id, name, pages}], onAddFinding(sel), toast(msg, kind)}
   */
  constructor(root, opts) {
    this.root = root;
    this.opts = opts;
    this.current = null; // {documentId, page, highlight, note}
    this.payload = null;
    this.revealed = new Map(); // page key -> Set of revealed offence-details span indices
    this.seq = 0;
    this.zoomed = false;
    this.build();
    this.onSelection = () => this.updateSelectionButton();
    document.addEventListener('selectionchange', this.onSelection);
  }

  destroy() { document.removeEventListener('selectionchange', this.onSelection); }

  build() {
    this.title = h('h2', { class: 'viewer-title', id: 'viewer-title' }, 'No page open');
    this.note = h('p', { class: 'viewer-note', 'aria-live': 'polite' });
    this.prevBtn = h('button', { type: 'button', class: 'small', onclick: () => this.step(-1), disabled: true,
      'aria-label': 'Previous page' }, '‹ Page');
    this.nextBtn = h('button', { type: 'button', class: 'small', onclick: () => this.step(1), disabled: true,
      'aria-label': 'Next page' }, 'Page ›');
    this.revealBtn = h('button', { type: 'button', class: 'small', 'aria-pressed': 'false',
      onclick: () => this.toggleAll() }, 'Show offence details');
    this.zoomBtn = h('button', { type: 'button', class: 'small', 'aria-pressed': 'false',
      onclick: () => this.toggleZoom() }, 'Zoom image');
    this.addBtn = h('button', { type: 'button', class: 'small primary', id: 'add-finding', disabled: true,
      title: 'Select words in the page text first',
      onclick: () => this.addFinding() }, 'Add finding from selected text');
    // The same without a mouse: choose the words in a text box with Shift and the arrow keys.
    this.citeBtn = h('button', { type: 'button', class: 'small', id: 'cite-keyboard', disabled: true,
      'aria-label': 'Cite words from this page with the keyboard (add your own finding)',
      onclick: () => this.chooseWords() }, 'Cite words…');
    this.textBody = h('div', { class: 'page-text', id: 'page-text' });
    this.textPane = h('div', { class: 'pane text-pane', tabindex: '0', role: 'region',
      'aria-label': 'Page text (select words to add your own finding)' }, this.textBody);
    this.img = h('img', { class: 'page-image', alt: '' });
    this.overlays = h('div', { class: 'overlays', 'aria-hidden': 'true' });
    this.imgWrap = h('div', { class: 'imgwrap' }, this.img, this.overlays);
    this.imgMsg = h('p', { class: 'muted pane-msg' });
    this.imagePane = h('div', { class: 'pane image-pane', tabindex: '0', role: 'region',
      'aria-label': 'Page image' }, this.imgMsg, this.imgWrap);
    this.panes = h('div', { class: 'viewer-panes' }, this.textPane, this.imagePane);
    this.root.replaceChildren(
      h('div', { class: 'viewer-bar' },
        h('div', { class: 'viewer-heading' }, this.title, this.note),
        h('div', { class: 'viewer-tools' }, this.prevBtn, this.nextBtn, this.revealBtn, this.zoomBtn, this.addBtn, this.citeBtn)),
      this.panes,
    );
    this.img.addEventListener('load', () => this.placeHighlightBoxes(true));
  }

  docById(id) { return (this.opts.documents || []).find((d) => String(d.id) === String(id)); }

  /** Opens a page: {documentId, page, highlight: {start, end} | null, note}. */
  async show(target) {
    const seq = ++this.seq;
    this.current = { ...target };
    const doc = this.docById(target.documentId);
    const name = doc ? doc.name : (target.documentName || 'Document');
    const pages = doc && doc.pages ? doc.pages : null;
    this.title.textContent = `${name}, page ${target.page}${pages ? ` of ${pages}` : ''}`;
    this.title.title = this.title.textContent; // shown in full on hover when cut short
    this.note.textContent = target.note || '';
    this.prevBtn.disabled = target.page <= 1;
    this.nextBtn.disabled = pages ? target.page >= pages : false;
    // Text and Word files have no page image: give the text the whole width before drawing it,
    // so the quote is scrolled to where it will stay.
    if (doc && ['txt', 'docx', 'text'].includes(String(doc.media_type || '').toLowerCase())) {
      this.setTextOnly(true);
    }
    this.textBody.replaceChildren(h('p', { class: 'muted' }, 'Loading the page…'));
    this.payload = null; // until the new page is here, nothing can be cited (the button stays
    // enabled, so the focus is not lost from it while a page loads)
    let payload;
    try {
      payload = await loadPage(this.opts.caseId, target.documentId, target.page);
    } catch (e) {
      if (seq !== this.seq) return;
      this.textBody.replaceChildren(h('p', { class: 'error', role: 'alert' },
        `${name}, page ${target.page} could not be opened: ${e.message}`));
      this.imgWrap.hidden = true;
      return;
    }
    if (seq !== this.seq) return;
    this.payload = payload;
    if (payload.pages && !pages) {
      this.title.textContent = `${name}, page ${target.page} of ${payload.pages}`;
      this.nextBtn.disabled = target.page >= payload.pages;
    }
    this.citeBtn.disabled = false;
    this.renderTextPane(true);
    this.renderImage(seq, name);
    this.updateSelectionButton();
  }

  /** Whether the reviewer has opened offence-details span `idx` of that page. */
  isRevealed(docId, page, idx) {
    const set = this.revealed.get(key(this.opts.caseId, docId, page));
    return !!set && set.has(idx);
  }

  pageKey() {
    return this.current ? key(this.opts.caseId, this.current.documentId, this.current.page) : '';
  }

  revealedSet() {
    const k = this.pageKey();
    if (!this.revealed.has(k)) this.revealed.set(k, new Set());
    return this.revealed.get(k);
  }

  sensitiveSpans() { return mergeSpans((this.payload && this.payload.sensitive) || []); }

  renderTextPane(scroll) {
    const p = this.payload;
    if (!p) return;
    const spans = this.sensitiveSpans();
    const revealed = this.revealedSet();
    const target = renderText(this.textBody, p.text || '', {
      highlight: this.current.highlight,
      sensitive: spans,
      revealed,
      onToggle: (i) => this.toggleSpan(i),
    });
    if (!(p.text || '').trim()) {
      this.textBody.append(h('p', { class: 'muted' }, 'This page has no text (it may be blank, or a picture with no words).'));
    }
    const allOpen = spans.length > 0 && spans.every((_, i) => revealed.has(i));
    this.revealBtn.hidden = spans.length === 0;
    this.revealBtn.textContent = allOpen ? 'Hide offence details' : `Show offence details (${spans.length})`;
    this.revealBtn.setAttribute('aria-pressed', allOpen ? 'true' : 'false');
    if (scroll) {
      if (target) requestAnimationFrame(() => scrollIntoPane(this.textPane, target));
      else this.textPane.scrollTop = 0;
    }
    this.placeHighlightBoxes(false);
    if (this.opts.onRevealChange) this.opts.onRevealChange();
  }

  toggleSpan(i) {
    const set = this.revealedSet();
    if (set.has(i)) set.delete(i); else set.add(i);
    this.renderTextPane(false);
    const w = this.textBody.querySelector(`.sensitive[data-idx="${i}"] .reveal`);
    if (w) w.focus();
  }

  toggleAll() {
    const spans = this.sensitiveSpans();
    const set = this.revealedSet();
    const allOpen = spans.every((_, i) => set.has(i));
    spans.forEach((_, i) => (allOpen ? set.delete(i) : set.add(i)));
    this.renderTextPane(false);
  }

  async renderImage(seq, name) {
    const p = this.payload;
    this.overlays.replaceChildren();
    this.imgWrap.hidden = true;
    this.imgMsg.textContent = 'Loading the page image…';
    let url = null;
    try {
      // has_image false: a text or Word file, whose /image answers 404 (no need to ask).
      url = p.has_image === false ? null : await loadImage(this.opts.caseId, this.current.documentId, this.current.page);
    } catch (e) {
      if (seq !== this.seq) return;
      this.setTextOnly(false);
      this.imgMsg.textContent = `The page image could not be shown: ${e.message}`;
      return;
    }
    if (seq !== this.seq) return;
    if (!url) {
      // A text or Word file: the text is the whole page, so it gets the whole width.
      this.setTextOnly(true);
      this.imgMsg.textContent = '';
      return;
    }
    this.setTextOnly(false);
    const conf = Number(p.ocr_confidence);
    const warn = Array.isArray(p.warnings) && p.warnings.length ? ` Note: ${p.warnings.join('; ')}.` : '';
    this.imgMsg.textContent = p.ocr
      ? `Scanned page: the words were read by OCR${Number.isFinite(conf) && p.ocr_confidence !== null ? ` (confidence ${Math.round(conf)}%)` : ''}, so check the text against the image.${warn}`
      : warn.trim();
    this.img.alt = `Image of ${name}, page ${this.current.page}`;
    this.imgWrap.hidden = false;
    if (this.img.getAttribute('src') !== url) this.img.src = url;
    else this.placeHighlightBoxes(true);
  }

  /** Switches between text only and text beside image; the text reflows, so re-scroll. */
  setTextOnly(on) {
    if (this.panes.classList.contains('no-image') === on) return;
    this.panes.classList.toggle('no-image', on);
    this.zoomBtn.hidden = on;
    const target = this.textBody.querySelector('mark.quote, .sensitive.has-quote');
    if (target) requestAnimationFrame(() => scrollIntoPane(this.textPane, target));
  }

  /** Draws boxes over the image: the cited words, and grey covers over hidden offence details. */
  placeHighlightBoxes(scroll) {
    const p = this.payload;
    if (!p || this.imgWrap.hidden) return;
    this.overlays.replaceChildren();
    const boxes = p.boxes || [];
    const hl = this.current.highlight;
    let first = null;
    if (hl) {
      for (const b of boxes) {
        if (!overlaps(b, hl)) continue;
        const el = this.boxEl(normBox(b, p), 'hl-box');
        this.overlays.append(el);
        if (!first) first = el;
      }
    }
    const set = this.revealedSet();
    this.sensitiveSpans().forEach((span, i) => {
      if (set.has(i)) return;
      for (const b of boxes) if (overlaps(b, span)) this.overlays.append(this.boxEl(normBox(b, p), 'cover-box'));
    });
    if (hl && !first && boxes.length === 0 && !p.ocr) {
      this.imgMsg.textContent = 'Word positions are not available for this page, so the quote is highlighted in the text only.';
    }
    if (scroll && first) requestAnimationFrame(() => scrollIntoPane(this.imagePane, first));
  }

  boxEl(b, cls) {
    const el = h('div', { class: cls });
    el.style.left = `${b.x0 * 100}%`;
    el.style.top = `${b.y0 * 100}%`;
    el.style.width = `${Math.max(0.002, b.x1 - b.x0) * 100}%`;
    el.style.height = `${Math.max(0.002, b.y1 - b.y0) * 100}%`;
    return el;
  }

  toggleZoom() {
    this.zoomed = !this.zoomed;
    this.imgWrap.classList.toggle('zoomed', this.zoomed);
    this.zoomBtn.setAttribute('aria-pressed', this.zoomed ? 'true' : 'false');
    this.zoomBtn.textContent = this.zoomed ? 'Fit image' : 'Zoom image';
    const first = this.overlays.querySelector('.hl-box');
    if (first) requestAnimationFrame(() => scrollIntoPane(this.imagePane, first));
  }

  step(delta) {
    if (!this.current) return;
    this.show({ documentId: this.current.documentId, page: this.current.page + delta, highlight: null,
      note: 'Browsing the document' });
  }

  selection() {
    if (!this.payload) return null;
    return selectionOffsets(this.textBody, this.payload.text || '');
  }

  updateSelectionButton() {
    const sel = this.selection();
    this.addBtn.disabled = !sel;
    this.addBtn.title = sel ? `Add a finding citing ${plural(sel.end - sel.start, 'character')}`
      : 'Select words in the page text first';
  }

  /** Keyboard citing: the reviewer picks the words in a text box, then adds the finding. */
  chooseWords() {
    const p = this.payload;
    if (!p || !this.current) return;
    const text = p.text || '';
    const masked = maskedText(text, p.sensitive || [], this.revealedSet());
    const doc = this.docById(this.current.documentId);
    const sel = this.selection(); // words already selected with the mouse start the box there
    const from = sel ? sel.start : (this.current.highlight ? this.current.highlight.start : 0);
    chooseWordsDialog({
      where: `${(doc && doc.name) || this.current.documentName || 'the document'}, page ${this.current.page}`,
      display: masked.display,
      toSource: masked.toSource,
      caret: masked.toDisplay(from),
    }, ({ start, end }) => {
      this.opts.onAddFinding({
        document_id: this.current.documentId,
        document: (doc || {}).name || '',
        page: this.current.page,
        start,
        end,
        quote: codePoints(text).slice(start, end).join(''),
      });
    });
  }

  addFinding() {
    const sel = this.selection();
    if (!sel || !this.current) return;
    this.opts.onAddFinding({
      document_id: this.current.documentId,
      document: (this.docById(this.current.documentId) || {}).name || '',
      page: this.current.page,
      start: sel.start,
      end: sel.end,
      quote: sel.quote,
    });
  }
}

/** Forgets cached pages (e.g. after new uploads to a case). */
export function clearPageCache() {
  for (const p of imageCache.values()) Promise.resolve(p).then((u) => u && URL.revokeObjectURL(u)).catch(() => {});
  imageCache.clear();
  pageCache.clear();
}
