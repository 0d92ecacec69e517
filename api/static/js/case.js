// One case: its header (name, screening, tabs, search, exports) and the tab below it.

import { get } from './api.js';
import { h, mount, download } from './dom.js';
import { ReviewView } from './review.js';
import { renderDocuments } from './documents.js';
import { screeningText } from './cases.js';
import { toast } from './toast.js';

function safeName(s) { return String(s || 'case').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80); }

/**
 * Renders a case at `tab` ('review' | 'documents'). Returns a cleanup function.
 * app: {user, navigate}.
 */
export async function renderCase(root, caseId, tab, app) {
  const ctx = {
    caseId, user: app.user, caseInfo: null, documents: [], pendingSearch: null, pendingOpen: null,
  };
  // A search typed, or a document opened, on the Documents tab is carried over to the Review tab.
  Object.assign(ctx, app.pendingHandoff || {});
  app.pendingHandoff = null;
  let view = null; // the ReviewView while the Review tab is shown
  let cleanupTab = null;
  const base = `#/cases/${encodeURIComponent(caseId)}`;
  const title = h('h1', { class: 'case-title' }, 'Loading the case…');
  const screening = h('p', { class: 'muted case-screening' });
  const tabReview = h('a', { href: base, class: 'tab', 'aria-current': tab === 'review' ? 'page' : null }, 'Review');
  const tabDocs = h('a', { href: `${base}/documents`, class: 'tab', 'aria-current': tab === 'documents' ? 'page' : null }, 'Documents');
  const q = h('input', { type: 'search', id: 'search-q', name: 'q', placeholder: 'Search the case (press /)', autocomplete: 'off' });
  const mode = h('select', { id: 'search-mode', name: 'mode' },
    h('option', { value: 'words' }, 'by words'), h('option', { value: 'meaning' }, 'by meaning'));
  const searchForm = h('form', { role: 'search', class: 'search', 'aria-label': 'Search this case' },
    h('label', { for: 'search-q', class: 'visually-hidden' }, 'Search this case'), q,
    h('label', { for: 'search-mode', class: 'visually-hidden' }, 'Search by'), mode,
    h('button', { type: 'submit', id: 'search-go' }, 'Search'));
  if (ctx.pendingSearch) { q.value = ctx.pendingSearch.q; mode.value = ctx.pendingSearch.mode; }
  searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!q.value.trim()) { q.focus(); return; }
    if (view) { view.search(q.value, mode.value); return; }
    app.pendingHandoff = { pendingSearch: { q: q.value, mode: mode.value } };
    app.navigate(base);
  });
  // Escape leaves the box for where the reviewer was before (the list, usually), never <body>.
  let beforeSearch = null;
  q.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    ev.preventDefault();
    const back = beforeSearch && beforeSearch.isConnected && beforeSearch !== document.body ? beforeSearch
      : (view ? view.list : null);
    if (back) back.focus(); else q.blur();
  });

  const exportJson = h('button', { type: 'button', id: 'export-json', onclick: () => exportFile('json'),
    'aria-label': 'Export JSON (review output with decisions)' }, 'JSON');
  const exportCsv = h('button', { type: 'button', id: 'export-csv', onclick: () => exportFile('csv'),
    'aria-label': 'Export CSV (one row per suggestion)' }, 'CSV');
  // The report opens as a real page in a new tab (the session cookie authorises it), so the
  // reviewer can print it or save it as PDF with the browser.
  const report = h('a', { href: `/api/cases/${encodeURIComponent(caseId)}/export?format=report`, target: '_blank',
    rel: 'noopener', id: 'export-report', class: 'button' }, 'Printable report');
  async function exportFile(format) {
    const btn = format === 'json' ? exportJson : exportCsv;
    btn.disabled = true;
    try {
      const r = await get(`/api/cases/${encodeURIComponent(caseId)}/export?format=${format}`, { as: 'blob' });
      download(r.data, `${safeName(ctx.caseInfo ? ctx.caseInfo.name : caseId)}-review.${format}`);
      toast(`The ${format.toUpperCase()} export was downloaded.`, 'ok');
    } catch (e) {
      toast(`The export failed: ${e.message}`, 'error');
    } finally {
      btn.disabled = false;
    }
  }

  const body = h('div', { class: 'case-body', id: 'case-body' });
  mount(root, h('div', { class: 'case' },
    h('div', { class: 'case-bar' },
      h('div', { class: 'case-name' }, title, screening),
      h('nav', { class: 'tabs', 'aria-label': 'Case sections' }, tabReview, tabDocs),
      searchForm,
      h('div', { class: 'exports', role: 'group', 'aria-labelledby': 'export-label' },
        h('span', { class: 'label', id: 'export-label' }, 'Export:'), exportJson, exportCsv, report)),
    body));

  ctx.reloadCase = async () => {
    try {
      const r = await get(`/api/cases/${encodeURIComponent(caseId)}`);
      ctx.caseInfo = r.data;
      title.textContent = r.data.name || caseId;
      document.title = `${r.data.name || caseId} · Case file review`;
      screening.textContent = `${screeningText(r.data.screening)} · ${r.data.open_suggestions ?? 0} open of ${r.data.suggestions ?? 0} suggestions`;
    } catch (e) {
      title.textContent = 'This case could not be opened';
      screening.textContent = e.message;
      throw e;
    }
  };
  const onUpdated = (ev) => {
    if (ev.detail && String(ev.detail.caseId) === String(caseId)) ctx.reloadCase().catch(() => {});
  };
  window.addEventListener('case-updated', onUpdated);
  ctx.openDocument = (docId) => {
    app.pendingHandoff = { pendingOpen: { documentId: docId, page: 1 } };
    app.navigate(base);
  };
  app.onSlash = () => { beforeSearch = document.activeElement; q.focus(); q.select(); };

  try {
    await Promise.all([ctx.reloadCase(), loadDocs()]);
  } catch (e) {
    mount(body, h('p', { class: 'error', role: 'alert' }, `The case could not be opened: ${e.message}`));
    return () => { app.onSlash = null; window.removeEventListener('case-updated', onUpdated); };
  }

  async function loadDocs() {
    const r = await get(`/api/cases/${encodeURIComponent(caseId)}/documents`);
    ctx.documents = Array.isArray(r.data) ? r.data : (r.data && r.data.items) || [];
  }

  if (tab === 'documents') {
    cleanupTab = await renderDocuments(body, ctx);
  } else {
    view = new ReviewView(body, ctx);
    await view.start();
    // Opening a case puts the focus in its queue, where the review keys act (unless the
    // reviewer has already moved it, or a search moved it to the results).
    if (document.activeElement === root || document.activeElement === document.body) view.list.focus({ preventScroll: true });
    if (ctx.pendingOpen) {
      view.viewer.show({ ...ctx.pendingOpen, highlight: null, note: 'Reading the document' });
      ctx.pendingOpen = null;
    }
  }
  return () => {
    app.onSlash = null;
    window.removeEventListener('case-updated', onUpdated);
    if (view) view.destroy();
    if (cleanupTab) cleanupTab();
  };
}
