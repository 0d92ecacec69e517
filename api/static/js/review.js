// The review screen: the queue of suggestions (filtered), the selected suggestion with its
// decisions, the cited page, search results, and the keyboard shortcuts that drive it all.

import { get, post, query, ApiError } from './api.js';
import { h, mount, TYPE_LABELS, KIND_LABELS, ROLE_LABELS, STATUS_LABELS, when, percent, plural, isTyping } from './dom.js';
import { PageViewer, loadPage } from './pageview.js';
import { mergeSpans } from './text.js';
import { rejectDialog, editDialog, addFindingDialog, helpDialog, dialogOpen } from './dialogs.js';
import { toast } from './toast.js';
import { shortcutsEnabled } from './prefs.js';

// Single-key shortcuts act only while the focus is inside an element carrying this attribute
// (the list of suggestions and the selected suggestion), so a key pressed anywhere else, or a
// word spoken to speech-input software, never accepts or rejects anything (WCAG 2.1.4).
export const SHORTCUT_SCOPE = '[data-shortcut-scope]';

// The always-visible reminder under the page; the full list is in the help (press ?).
const SHORTCUTS_SHORT = [
  ['a', 'accept'], ['r', 'reject'], ['e', 'edit'], ['j/↓', 'next'], ['k/↑', 'previous'],
  ['o', 'next citation'], ['u', 'undo'], ['/', 'search'], ['?', 'help'],
];

const filtersByCase = new Map(); // remembered while the tab is open
let reasonsCache = null;

async function rejectReasons() {
  if (!reasonsCache) {
    reasonsCache = get('/api/reject-reasons').then((r) => {
      const d = r.data;
      return Array.isArray(d) ? d : (d && (d.reasons || d.items)) || [];
    }).catch((e) => { reasonsCache = null; throw e; });
  }
  return reasonsCache;
}

function etagOf(s) { return s._etag || s.etag || null; }

function describeStatus(s) {
  const label = STATUS_LABELS[s.status] || s.status || 'Open';
  if (s.status && s.status !== 'open' && (s.decided_by || s.decided_at)) {
    const why = s.status === 'rejected' && s.reason ? ` (${s.reason})` : '';
    return `${label}${why} by ${s.decided_by || 'someone'}${s.decided_at ? ` on ${when(s.decided_at)}` : ''}`;
  }
  return label;
}

function subjectLine(s) {
  const parts = [TYPE_LABELS[s.type] || s.type];
  if (s.kind) parts.push(KIND_LABELS[s.kind] || s.kind);
  if (s.subject) parts.push(`${s.subject}${s.role ? ` (${(ROLE_LABELS[s.role] || s.role).toLowerCase()})` : ''}`);
  return parts.join(' · ');
}

/** Scrolls a list so `li` is in sight, moving only the list (never the page behind it). */
function scrollWithin(list, li) {
  if (li.offsetParent !== list) { li.scrollIntoView({ block: 'nearest' }); return; } // .queue is positioned
  const top = li.offsetTop;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (top + li.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + li.offsetHeight - list.clientHeight;
}

export class ReviewView {
  /**
   * @param root element to render into
   * @param ctx {caseId, caseInfo, documents, user, pendingSearch}
   */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.caseId = ctx.caseId;
    this.items = [];
    this.index = -1;
    this.citationIdx = 0;
    this.filters = filtersByCase.get(this.caseId) || { type: '', kind: '', status: 'open', min_confidence: '' };
    this.tab = 'suggestions';
    this.results = [];
    this.resultIdx = -1;
    this.lastSearch = null;
    this.undoStack = []; // ids of suggestions this reviewer decided, most recent last
    this.busy = new Set();
    this.conflict = null; // {id, message}
    this.onKey = (ev) => this.handleKey(ev);
    document.addEventListener('keydown', this.onKey);
    this.onPrefs = () => this.renderKeysBar();
    window.addEventListener('prefs-changed', this.onPrefs);
    // New files were processed while this screen was open: fetch the new suggestions.
    this.onUpdated = (ev) => { if (ev.detail && String(ev.detail.caseId) === String(this.caseId)) this.refresh(); };
    window.addEventListener('case-updated', this.onUpdated);
    this.build();
  }

  destroy() {
    document.removeEventListener('keydown', this.onKey);
    window.removeEventListener('prefs-changed', this.onPrefs);
    window.removeEventListener('case-updated', this.onUpdated);
    this.viewer.destroy();
  }

  async refresh() {
    try {
      const r = await get(`/api/cases/${encodeURIComponent(this.caseId)}/documents`);
      this.ctx.documents.splice(0, this.ctx.documents.length, ...(Array.isArray(r.data) ? r.data : []));
    } catch { /* the list below still loads; pages show their own errors */ }
    await this.load();
    toast('New files were processed: the list of suggestions is up to date.', 'ok');
  }

  // ---------- layout ----------

  build() {
    const f = this.filters;
    const typeSel = h('select', { id: 'f-type', onchange: (e) => this.setFilter('type', e.target.value) },
      h('option', { value: '' }, 'All types'),
      Object.entries(TYPE_LABELS).map(([v, l]) => h('option', { value: v }, l)));
    const kindSel = h('select', { id: 'f-kind', onchange: (e) => this.setFilter('kind', e.target.value) },
      h('option', { value: '' }, 'All kinds'),
      Object.entries(KIND_LABELS).map(([v, l]) => h('option', { value: v }, l)));
    const statusSel = h('select', { id: 'f-status', onchange: (e) => this.setFilter('status', e.target.value) },
      h('option', { value: 'open' }, 'Open (not decided)'),
      h('option', { value: 'accepted' }, 'Accepted'),
      h('option', { value: 'rejected' }, 'Rejected'),
      h('option', { value: '' }, 'All'));
    const confSel = h('select', { id: 'f-conf', onchange: (e) => this.setFilter('min_confidence', e.target.value) },
      h('option', { value: '' }, 'Any'),
      ['0.3', '0.5', '0.7', '0.9'].map((v) => h('option', { value: v }, `${Math.round(Number(v) * 100)}% or more`)));
    typeSel.value = f.type; kindSel.value = f.kind; statusSel.value = f.status; confSel.value = f.min_confidence;
    this.kindSel = kindSel;

    this.tabSug = h('button', { type: 'button', role: 'tab', id: 'tab-suggestions', 'aria-controls': 'panel-suggestions',
      onclick: () => this.setTab('suggestions') }, 'Suggestions');
    this.tabSearch = h('button', { type: 'button', role: 'tab', id: 'tab-search', 'aria-controls': 'panel-search',
      onclick: () => this.setTab('search') }, 'Search results');
    this.countLine = h('p', { class: 'count muted', 'aria-live': 'polite' });
    this.list = h('ul', { class: 'queue', id: 'queue', role: 'listbox', tabindex: '0', 'aria-label': 'Suggestions' });
    this.searchList = h('ul', { class: 'queue results', id: 'search-results', role: 'listbox', tabindex: '0',
      'aria-label': 'Search results' });
    this.searchLine = h('p', { class: 'count muted', 'aria-live': 'polite' }, 'Search the case with the box at the top (press /).');
    this.panelSug = h('div', { id: 'panel-suggestions', role: 'tabpanel', 'aria-labelledby': 'tab-suggestions', class: 'tabpanel' },
      h('div', { class: 'filters' },
        h('label', { for: 'f-type' }, 'Type'), typeSel,
        h('label', { for: 'f-kind' }, 'Kind'), kindSel,
        h('label', { for: 'f-status' }, 'Status'), statusSel,
        h('label', { for: 'f-conf' }, 'Confidence'), confSel),
      this.countLine, this.list);
    this.panelSearch = h('div', { id: 'panel-search', role: 'tabpanel', 'aria-labelledby': 'tab-search', class: 'tabpanel' },
      this.searchLine, this.searchList);
    this.detail = h('section', { class: 'detail', id: 'detail', 'aria-label': 'Selected suggestion', tabindex: '-1',
      'data-shortcut-scope': '' });
    const viewerRoot = h('section', { class: 'viewer', id: 'viewer', 'aria-labelledby': 'viewer-title' });
    this.viewer = new PageViewer(viewerRoot, {
      caseId: this.caseId,
      documents: this.ctx.documents,
      onAddFinding: (c) => this.addFinding(c),
      onRevealChange: () => this.maskQuotes(),
    });
    this.list.addEventListener('click', (e) => {
      const li = e.target.closest('li[data-i]');
      if (li) this.select(Number(li.dataset.i));
    });
    this.searchList.addEventListener('click', (e) => {
      const li = e.target.closest('li[data-i]');
      if (li) this.openResult(Number(li.dataset.i));
    });
    this.keysBar = h('p', { class: 'keys', id: 'shortcut-bar' });
    this.renderKeysBar();
    mount(this.root,
      h('div', { class: 'review' },
        h('aside', { class: 'sidebar', 'aria-label': 'Suggestions and search results', 'data-shortcut-scope': '' },
          h('div', { role: 'tablist', class: 'tabs', 'aria-label': 'Lists' }, this.tabSug, this.tabSearch),
          this.panelSug, this.panelSearch),
        h('div', { class: 'work' }, this.detail, viewerRoot, this.keysBar)));
    this.setTab('suggestions', false);
    this.syncKindFilter();
  }

  renderKeysBar() {
    if (shortcutsEnabled()) {
      mount(this.keysBar, 'Keys (in the list or the selected suggestion): ',
        SHORTCUTS_SHORT.map(([k, what]) => [h('span', {}, h('kbd', {}, k), ` ${what}`), ' ']));
    } else {
      mount(this.keysBar, 'Single-key shortcuts are off: use the buttons, or turn the keys on in Settings.');
    }
  }

  setTab(tab, focus = true) {
    this.tab = tab;
    const sug = tab === 'suggestions';
    this.tabSug.setAttribute('aria-selected', String(sug));
    this.tabSearch.setAttribute('aria-selected', String(!sug));
    this.panelSug.hidden = !sug;
    this.panelSearch.hidden = sug;
    if (focus) (sug ? this.list : this.searchList).focus();
  }

  syncKindFilter() {
    const show = !this.filters.type || this.filters.type === 'unfollowed_inquiry';
    this.kindSel.disabled = !show;
    if (!show && this.filters.kind) { this.filters.kind = ''; this.kindSel.value = ''; }
  }

  setFilter(name, value) {
    this.filters[name] = value;
    if (name === 'type') this.syncKindFilter();
    filtersByCase.set(this.caseId, this.filters);
    this.load();
  }

  // ---------- loading ----------

  async start() {
    await this.load();
    if (this.ctx.pendingSearch) {
      const s = this.ctx.pendingSearch;
      this.ctx.pendingSearch = null;
      await this.search(s.q, s.mode);
    }
  }

  async load() {
    const keepId = this.current() && this.current().id;
    this.countLine.textContent = 'Loading suggestions…';
    const f = this.filters;
    try {
      const r = await get(`/api/cases/${encodeURIComponent(this.caseId)}/suggestions${query({
        type: f.type, kind: f.type && f.type !== 'unfollowed_inquiry' ? '' : f.kind, status: f.status, min_confidence: f.min_confidence,
      })}`);
      this.items = Array.isArray(r.data) ? r.data : (r.data && r.data.items) || [];
    } catch (e) {
      this.items = [];
      this.countLine.textContent = '';
      mount(this.list, h('li', { class: 'error', role: 'alert' }, `The suggestions could not be loaded: ${e.message}`));
      return;
    }
    let idx = keepId ? this.items.findIndex((s) => s.id === keepId) : -1;
    if (idx < 0) idx = this.items.length ? 0 : -1;
    this.renderList();
    this.select(idx, { force: true });
  }

  current() { return this.index >= 0 ? this.items[this.index] : null; }

  renderList() {
    const open = this.items.filter((s) => (s.status || 'open') === 'open').length;
    this.countLine.textContent = this.items.length
      ? `${plural(this.items.length, 'suggestion')} shown, ${open} still open.`
      : 'No suggestions match these filters.';
    mount(this.list, this.items.map((s, i) => h('li', {
      role: 'option',
      id: `sug-${i}`,
      class: `item status-${s.status || 'open'}`,
      'aria-selected': String(i === this.index),
      dataset: { i: String(i), id: s.id },
    },
    h('span', { class: 'item-top' },
      h('span', { class: `badge type-${s.type}` }, TYPE_LABELS[s.type] || s.type),
      h('span', { class: 'conf', title: 'Confidence' }, percent(s.confidence))),
    h('span', { class: 'item-title' }, s.title || '(no title)'),
    h('span', { class: 'item-bottom' },
      h('span', { class: `status status-${s.status || 'open'}` }, STATUS_LABELS[s.status] || 'Open'),
      s.edited ? h('span', { class: 'tag' }, 'edited') : null,
      s.origin === 'reviewer' ? h('span', { class: 'tag' }, 'reviewer') : null))));
    if (this.index >= 0) this.list.setAttribute('aria-activedescendant', `sug-${this.index}`);
    else this.list.removeAttribute('aria-activedescendant');
  }

  updateItem(i) {
    // Re-render one row in place so the reviewer's place in a long list does not jump.
    const s = this.items[i];
    const li = this.list.querySelector(`li[data-i="${i}"]`);
    if (!li || !s) { this.renderList(); return; }
    li.className = `item status-${s.status || 'open'}`;
    li.querySelector('.item-title').textContent = s.title || '(no title)';
    const bottom = li.querySelector('.item-bottom');
    mount(bottom,
      h('span', { class: `status status-${s.status || 'open'}` }, STATUS_LABELS[s.status] || 'Open'),
      s.edited ? h('span', { class: 'tag' }, 'edited') : null,
      s.origin === 'reviewer' ? h('span', { class: 'tag' }, 'reviewer') : null);
    const open = this.items.filter((x) => (x.status || 'open') === 'open').length;
    this.countLine.textContent = `${plural(this.items.length, 'suggestion')} shown, ${open} still open.`;
  }

  // ---------- selection ----------

  select(i, { force = false, citation = 0 } = {}) {
    if (i < -1 || i >= this.items.length) return;
    if (i === this.index && !force) return;
    this.index = i;
    this.citationIdx = citation;
    if (this.conflict && (!this.current() || this.conflict.id !== this.current().id)) this.conflict = null;
    for (const li of this.list.querySelectorAll('li[aria-selected="true"]')) li.setAttribute('aria-selected', 'false');
    const li = this.list.querySelector(`li[data-i="${i}"]`);
    if (li) {
      li.setAttribute('aria-selected', 'true');
      this.list.setAttribute('aria-activedescendant', li.id);
      scrollWithin(this.list, li);
    }
    this.renderDetail();
    this.openCitation();
  }

  move(delta) {
    if (this.tab === 'search') {
      if (!this.results.length) return;
      const n = Math.min(this.results.length - 1, Math.max(0, this.resultIdx + delta));
      this.openResult(n);
      return;
    }
    if (!this.items.length) return;
    const n = Math.min(this.items.length - 1, Math.max(0, this.index + delta));
    if (n === this.index) {
      toast(delta > 0 ? 'This is the last suggestion in the list.' : 'This is the first suggestion in the list.');
      return;
    }
    this.select(n);
  }

  openCitation() {
    const s = this.current();
    if (!s || !s.citations || !s.citations.length) return;
    const c = s.citations[this.citationIdx % s.citations.length];
    const docId = c.document_id ?? this.docIdByName(c.document);
    const n = s.citations.length;
    this.viewer.show({
      documentId: docId,
      documentName: c.document,
      page: c.page,
      highlight: { start: c.start, end: c.end },
      note: n > 1 ? `Citation ${(this.citationIdx % n) + 1} of ${n} (press o for the next)` : 'The cited passage is highlighted.',
    });
    for (const b of this.detail.querySelectorAll('.cite')) {
      b.setAttribute('aria-current', String(Number(b.dataset.c) === this.citationIdx % n));
    }
  }

  cycleCitation() {
    const s = this.current();
    if (!s || !s.citations || !s.citations.length) return;
    this.citationIdx = (this.citationIdx + 1) % s.citations.length;
    this.openCitation();
  }

  docIdByName(name) {
    const d = (this.ctx.documents || []).find((x) => x.name === name);
    return d ? d.id : name;
  }

  renderDetail() {
    // Re-drawing removes the element that had the focus (a decision button, a citation): keep
    // the focus on this panel rather than letting it fall back to <body>.
    const hadFocus = this.detail.contains(document.activeElement) && document.activeElement !== this.detail;
    this.drawDetail();
    if (hadFocus && !this.detail.contains(document.activeElement)) {
      (this.detail.querySelector('#detail-status') || this.detail.querySelector('h2') || this.detail).focus({ preventScroll: true });
    }
  }

  drawDetail() {
    const s = this.current();
    if (!s) {
      mount(this.detail, h('div', { class: 'empty' },
        h('h2', { id: 'detail-title', tabindex: '-1' }, 'Nothing to review here'),
        h('p', {}, this.filters.status === 'open'
          ? 'There are no open suggestions with these filters. Change the filters to see decided ones, or upload files on the Documents tab.'
          : 'No suggestions match these filters.')));
      return;
    }
    const n = (s.citations || []).length;
    const cites = (s.citations || []).map((c, i) => h('li', {},
      h('button', { type: 'button', class: 'cite', dataset: { c: String(i) }, 'aria-current': String(i === this.citationIdx % n),
        onclick: () => { this.citationIdx = i; this.openCitation(); } },
      h('span', { class: 'cite-where' }, `${c.document}, page ${c.page}`), ' ',
      // Hidden until its page says whether the quote holds offence details (no flash of them).
      h('q', { class: 'pending' }, c.quote && c.quote.length > 180 ? `${c.quote.slice(0, 180)}…` : c.quote))));
    const busy = this.busy.has(s.id);
    const history = h('details', { class: 'history' }, h('summary', {}, 'Decision history'), h('div', { class: 'history-body' }));
    history.addEventListener('toggle', () => { if (history.open) this.loadHistory(s, history.querySelector('.history-body')); });
    mount(this.detail,
      this.conflict && this.conflict.id === s.id
        ? h('div', { class: 'alert warn', role: 'alert', id: 'conflict', tabindex: '-1' }, this.conflict.message) : null,
      h('div', { class: 'detail-head' },
        h('h2', { id: 'detail-title', tabindex: '-1' }, s.title || '(no title)'),
        h('p', { class: 'meta' },
          h('span', { class: `badge type-${s.type}` }, subjectLine(s)),
          h('span', { class: 'conf-big' }, `Confidence ${percent(s.confidence)}`),
          h('span', { class: `status status-${s.status || 'open'}`, id: 'detail-status', tabindex: '-1' }, describeStatus(s)),
          s.edited ? h('span', { class: 'tag' }, 'edited by a reviewer') : null,
          s.origin === 'reviewer' ? h('span', { class: 'tag' }, 'added by a reviewer') : null,
          s.stale ? h('span', { class: 'tag warn-tag', title: 'The latest review of the files no longer makes this suggestion; it is kept with its decisions.' },
            'no longer suggested') : null)),
      h('p', { class: 'rationale' }, s.rationale || ''),
      s.status === 'rejected' && s.note ? h('p', { class: 'muted' }, `Rejection note: ${s.note}`) : null,
      s.edited && (s.original_title || s.original_rationale) ? h('details', { class: 'original' },
        h('summary', {}, 'Wording before it was edited'),
        s.original_title ? h('p', {}, h('strong', {}, 'Title: '), s.original_title) : null,
        s.original_rationale ? h('p', {}, h('strong', {}, 'Rationale: '), s.original_rationale) : null) : null,
      h('div', { class: 'cites' }, h('h3', {}, n > 1 ? `Citations (${n})` : 'Citation'), h('ol', {}, cites)),
      h('div', { class: 'actions', role: 'group', 'aria-label': 'Decide' },
        h('button', { type: 'button', class: 'accept', id: 'btn-accept', disabled: busy || s.status === 'accepted', onclick: () => this.accept() },
          'Accept ', h('kbd', {}, 'a')),
        h('button', { type: 'button', class: 'reject', id: 'btn-reject', disabled: busy, onclick: () => this.reject() },
          'Reject… ', h('kbd', {}, 'r')),
        h('button', { type: 'button', id: 'btn-edit', disabled: busy, onclick: () => this.edit() }, 'Edit… ', h('kbd', {}, 'e')),
        h('button', { type: 'button', id: 'btn-undo', disabled: busy, onclick: () => this.undo() }, 'Undo ', h('kbd', {}, 'u'))),
      history);
    this.maskQuotes();
  }

  /**
   * Offence details stay collapsed outside the page text too: a citation's quote that overlaps
   * a collapsed offence-details span is replaced by a note until the reviewer reveals it.
   */
  maskQuotes() {
    const s = this.current();
    if (!s) return;
    for (const btn of this.detail.querySelectorAll('.cite')) {
      const c = (s.citations || [])[Number(btn.dataset.c)];
      const q = btn.querySelector('q');
      if (!c || !q) continue;
      const docId = c.document_id ?? this.docIdByName(c.document);
      loadPage(this.caseId, docId, c.page).then((p) => {
        const spans = mergeSpans((p && p.sensitive) || []);
        const hidden = spans.some((sp, i) => sp.start < c.end && sp.end > c.start
          && !this.viewer.isRevealed(docId, c.page, i));
        if (!q.dataset.quote) q.dataset.quote = q.textContent;
        q.textContent = hidden ? 'offence details, hidden: shown in the page text when you choose Show' : q.dataset.quote;
        q.classList.toggle('masked', hidden);
        q.classList.remove('pending');
      }).catch(() => q.classList.remove('pending'));
    }
  }

  async loadHistory(s, el) {
    mount(el, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const r = await get(`/api/cases/${encodeURIComponent(this.caseId)}/suggestions/${encodeURIComponent(s.id)}/history`);
      const rows = Array.isArray(r.data) ? r.data : (r.data && r.data.decisions) || [];
      if (!rows.length) { mount(el, h('p', { class: 'muted' }, 'No decisions yet.')); return; }
      mount(el, h('ol', {}, rows.map((d) => h('li', {},
        `${when(d.at || d.decided_at || d.created_at)}: ${d.reviewer || d.user || d.by || 'someone'} — ${d.action}`,
        d.reason ? ` (${d.reason})` : '', d.note ? `: “${d.note}”` : ''))));
    } catch (e) {
      mount(el, h('p', { class: 'error' }, `The history could not be loaded: ${e.message}`));
    }
  }

  // ---------- decisions ----------

  sugPath(id) { return `/api/cases/${encodeURIComponent(this.caseId)}/suggestions/${encodeURIComponent(id)}`; }

  replaceItem(updated, etag) {
    const i = this.items.findIndex((x) => x.id === updated.id);
    const merged = { ...(i >= 0 ? this.items[i] : {}), ...updated };
    merged._etag = etag || updated.etag || null;
    if (i >= 0) {
      this.items[i] = merged;
      this.updateItem(i);
    }
    return merged;
  }

  async fresh(id) {
    const r = await get(this.sugPath(id));
    return this.replaceItem(r.data, r.etag);
  }

  /**
   * Sends one decision with the version the reviewer saw (If-Match). Returns null on success
   * or a message. On 412 the suggestion is reloaded and the reviewer told; nothing is retried,
   * so another reviewer's decision is never overwritten without this reviewer seeing it.
   */
  async decide(s, body, { advance = false, verb = 'Saved' } = {}) {
    if (this.busy.has(s.id)) return 'Still saving the previous decision on this suggestion.';
    this.busy.add(s.id);
    if (this.current() && this.current().id === s.id) this.renderDetail();
    try {
      let etag = etagOf(s);
      if (!etag) etag = etagOf(await this.fresh(s.id));
      const r = await post(`${this.sugPath(s.id)}/decisions`, body, { ifMatch: etag || '*' });
      const updated = this.replaceItem(r.data || {}, r.etag);
      if (body.action !== 'undo') this.undoStack.push(s.id);
      this.conflict = null;
      if (this.ctx.reloadCase) this.ctx.reloadCase().catch(() => {}); // the header's counts
      toast(`${verb}: “${updated.title || s.title}”.${body.action !== 'undo' ? ' Press u to undo.' : ''}`, 'ok');
      return null;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 412 || e.status === 428)) {
        let now = s;
        try { now = await this.fresh(s.id); } catch { /* keep what we have; the message still stands */ }
        this.conflict = {
          id: s.id,
          message: `Someone else changed this suggestion while you were looking at it. It is now: ${describeStatus(now)}${now.edited ? ' (edited)' : ''}. Your change was NOT saved. Read it again, then decide.`,
        };
        return this.conflict.message;
      }
      toast(`Not saved: ${e.message}`, 'error');
      return e.message;
    } finally {
      this.busy.delete(s.id);
      const cur = this.current();
      if (cur && cur.id === s.id) {
        this.renderDetail();
        this.highlightCitationButtons();
      }
      if (advance && !this.conflict) this.advanceFrom(s.id);
    }
  }

  highlightCitationButtons() {
    const s = this.current();
    const n = (s && s.citations && s.citations.length) || 1;
    for (const b of this.detail.querySelectorAll('.cite')) {
      b.setAttribute('aria-current', String(Number(b.dataset.c) === this.citationIdx % n));
    }
  }

  advanceFrom(id) {
    const cur = this.current();
    if (!cur || cur.id !== id) return; // the reviewer already moved on
    if (this.index + 1 < this.items.length) this.select(this.index + 1);
    else toast('That was the last suggestion in this list.', 'ok');
  }

  /**
   * Puts the focus somewhere sensible after a decision, never on <body>: a reviewer working
   * the list with the keys stays in the list (the next item is announced as selected);
   * otherwise the focus goes to the conflict message, the next suggestion's heading when the
   * screen moved on, or this suggestion's decision status.
   */
  focusAfterDecision(origin, { advanced }) {
    const inList = origin instanceof Element && origin.isConnected
      && (this.list.contains(origin) || this.searchList.contains(origin));
    if (inList && !(this.conflict && this.detail.querySelector('#conflict'))) { origin.focus(); return; }
    const target = this.detail.querySelector('#conflict')
      || this.detail.querySelector(advanced ? '#detail-title' : '#detail-status')
      || this.detail.querySelector('#detail-title') || this.detail;
    target.focus();
  }

  async accept() {
    const s = this.current();
    if (!s) return;
    if (s.status === 'accepted') { toast('This suggestion is already accepted.'); return; }
    const origin = document.activeElement;
    await this.decide(s, { action: 'accept' }, { advance: true, verb: 'Accepted' });
    this.focusAfterDecision(origin, { advanced: !this.current() || this.current().id !== s.id });
  }

  async reject() {
    const s = this.current();
    if (!s) return;
    const origin = document.activeElement;
    let reasons;
    try { reasons = await rejectReasons(); } catch (e) { toast(`The list of reasons could not be loaded: ${e.message}`, 'error'); return; }
    const dlg = rejectDialog(s, reasons, async ({ reason, note }) => {
      const problem = await this.decide(s, { action: 'reject', reason, note }, { verb: 'Rejected' });
      if (problem && this.conflict) return null; // the conflict banner explains; close the dialog
      if (!problem) this.advanceFrom(s.id);
      return problem;
    });
    this.refocusOnClose(dlg, origin, s);
  }

  /** After a decision dialog closes: the browser gives the focus back to the opener, unless the
   * opener was re-drawn (a button of the old suggestion) or the decision moved the screen on. */
  refocusOnClose(dlg, origin, s) {
    dlg.addEventListener('close', () => {
      if (dlg.returnValue === 'done') {
        this.focusAfterDecision(origin, { advanced: !this.current() || this.current().id !== s.id });
      } else if (!(origin instanceof Element && origin.isConnected) || origin === document.body) {
        this.focusAfterDecision(null, { advanced: false });
      }
    });
  }

  edit() {
    const s = this.current();
    if (!s) return;
    const origin = document.activeElement;
    const dlg = editDialog(s, async ({ title, rationale }) => {
      const problem = await this.decide(s, { action: 'edit', title, rationale }, { verb: 'Edited' });
      if (problem && this.conflict) return null;
      return problem;
    });
    this.refocusOnClose(dlg, origin, s);
  }

  async undo() {
    const origin = document.activeElement;
    const done = await this.undoLast();
    if (this.current() && (done || !(origin instanceof Element && origin.isConnected))) {
      this.focusAfterDecision(origin, { advanced: false });
    }
  }

  async undoLast() {
    let id = this.undoStack.pop();
    if (!id) {
      const s = this.current();
      if (s && ((s.status && s.status !== 'open') || s.edited)) id = s.id;
    }
    if (!id) { toast('There is nothing to undo.'); return false; }
    let i = this.items.findIndex((x) => x.id === id);
    let s = i >= 0 ? this.items[i] : null;
    if (!s) {
      try { const r = await get(this.sugPath(id)); s = { ...r.data, _etag: r.etag }; } catch (e) { toast(`Could not undo: ${e.message}`, 'error'); return false; }
    } else if (i !== this.index) {
      this.select(i);
    }
    const problem = await this.decide(s, { action: 'undo' }, { verb: 'Undone' });
    if (problem && !this.conflict) this.undoStack.push(id); // still there to undo later
    i = this.items.findIndex((x) => x.id === id);
    if (i < 0 && !problem) toast(`Undone: “${s.title}” (it is not in the current list).`, 'ok');
    return true;
  }

  addFinding(citation) {
    const dlg = addFindingDialog(citation, async (body) => {
      try {
        const r = await post(`/api/cases/${encodeURIComponent(this.caseId)}/suggestions`, body);
        const s = { ...r.data, _etag: r.etag || (r.data && r.data.etag) };
        const at = Math.max(0, this.index + 1);
        this.items.splice(at, 0, s);
        this.renderList();
        this.setTab('suggestions', false);
        this.select(at, { force: true });
        window.getSelection()?.removeAllRanges();
        toast(`Your finding was added: “${s.title}”.`, 'ok');
        return null;
      } catch (e) {
        return `Not added: ${e.message}`;
      }
    });
    // Once added, the focus goes to the new finding's heading (it is now the selected one).
    dlg.addEventListener('close', () => {
      if (dlg.returnValue === 'done') (this.detail.querySelector('#detail-title') || this.detail).focus();
    });
  }

  // ---------- search ----------

  async search(q, mode) {
    const text = (q || '').trim();
    if (!text) return;
    this.setTab('search', false);
    this.lastSearch = { q: text, mode };
    this.searchLine.textContent = `Searching for “${text}”…`;
    this.searchList.replaceChildren();
    try {
      const r = await get(`/api/cases/${encodeURIComponent(this.caseId)}/search${query({ q: text, mode, k: 20 })}`);
      this.results = Array.isArray(r.data) ? r.data : (r.data && r.data.results) || [];
    } catch (e) {
      this.results = [];
      this.searchLine.textContent = `The search failed: ${e.message}`;
      return;
    }
    const how = mode === 'meaning' ? 'by meaning' : 'by words';
    this.searchLine.textContent = this.results.length
      ? `${plural(this.results.length, 'passage')} found ${how} for “${text}”. Click one to open its page.`
      : `Nothing found ${how} for “${text}”.${mode !== 'meaning' ? ' Try searching by meaning.' : ''}`;
    mount(this.searchList, this.results.map((res, i) => h('li', {
      role: 'option', id: `res-${i}`, class: 'item result', 'aria-selected': 'false', dataset: { i: String(i) },
    },
    h('span', { class: 'item-top' },
      h('span', { class: 'cite-where' }, `${res.document}, page ${res.page}`),
      res.score !== undefined && res.score !== null ? h('span', { class: 'conf', title: 'Match score' }, Number(res.score).toFixed(2)) : null),
    h('span', { class: 'item-title' }, h('q', {}, res.quote && res.quote.length > 220 ? `${res.quote.slice(0, 220)}…` : res.quote)))));
    this.resultIdx = -1;
    this.searchList.focus();
  }

  openResult(i) {
    const res = this.results[i];
    if (!res) return;
    this.resultIdx = i;
    for (const li of this.searchList.querySelectorAll('li[aria-selected="true"]')) li.setAttribute('aria-selected', 'false');
    const li = this.searchList.querySelector(`li[data-i="${i}"]`);
    if (li) {
      li.setAttribute('aria-selected', 'true');
      this.searchList.setAttribute('aria-activedescendant', li.id);
      scrollWithin(this.searchList, li);
    }
    this.viewer.show({
      documentId: res.document_id ?? this.docIdByName(res.document),
      documentName: res.document,
      page: res.page,
      highlight: { start: res.start, end: res.end },
      note: `Search result ${i + 1} of ${this.results.length} for “${this.lastSearch ? this.lastSearch.q : ''}”`,
    });
  }

  // ---------- keyboard ----------

  handleKey(ev) {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (dialogOpen() || isTyping(ev.target) || !(ev.target instanceof Element)) return;
    // Up and down move through a list that has the focus (the listbox pattern), whatever the
    // setting; elsewhere they scroll as usual.
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!ev.target.closest('[role=listbox]') || !this.root.contains(ev.target)) return;
      ev.preventDefault();
      this.move(ev.key === 'ArrowDown' ? 1 : -1);
      return;
    }
    // Letters act only when the reviewer has them on and the focus is in the queue region.
    if (!shortcutsEnabled() || !ev.target.closest(SHORTCUT_SCOPE) || !this.root.contains(ev.target)) return;
    const actions = {
      a: () => this.accept(),
      r: () => this.reject(),
      e: () => this.edit(),
      j: () => this.move(1),
      k: () => this.move(-1),
      o: () => this.cycleCitation(),
      u: () => this.undo(),
    };
    const fn = actions[ev.key];
    if (!fn) return;
    ev.preventDefault();
    fn();
  }
}

export { helpDialog };
