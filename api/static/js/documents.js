// The Documents tab: the case's files with their status, and uploads (several files, or a
// ZIP, chosen or dropped) with a progress bar that follows the server's processing job.

import { get, post, uploadFiles, ApiError } from './api.js';
import { h, mount, plural } from './dom.js';
import { toast } from './toast.js';
import { clearPageCache } from './pageview.js';

const ACCEPT = '.pdf,.png,.jpg,.jpeg,.tif,.tiff,.docx,.txt,.zip';

// The back end's stages (queued, checking, ingest, detect, store, index, done), in words.
const STAGES = {
  queued: 'Waiting to start',
  checking: 'Checking the files',
  unpack: 'Unpacking the ZIP file',
  ingest: 'Reading pages (scanned pages are read by OCR, which takes longer)',
  ocr: 'Reading scanned pages (OCR)',
  detect: 'Looking for suggestions',
  screen: 'Screening the case',
  store: 'Saving the results',
  index: 'Building the search index',
  done: 'Finished',
};

function stageText(stage) {
  if (!stage) return 'Working';
  return STAGES[stage] || stage.charAt(0).toUpperCase() + stage.slice(1).replace(/_/g, ' ');
}

// Upload jobs per case survive switching tabs: polling goes on, and the cards are redrawn.
const jobsByCase = new Map();
let mounted = null; // {caseId, box, live, cards: Map(job -> card), onDone}

function jobs(caseId) {
  if (!jobsByCase.has(caseId)) jobsByCase.set(caseId, []);
  return jobsByCase.get(caseId);
}

/**
 * Brings the job cards up to date in place (a poll changes a bar and a label, never the
 * elements), and says the newest job's progress in the tab's one status line. That line is
 * created once with the tab and only its text changes, and only when the words change, so a
 * screen reader hears each stage once instead of the whole list on every poll.
 */
function drawJobs() {
  if (!mounted) return;
  const list = jobs(mounted.caseId).slice().reverse(); // newest first
  const cards = list.map((j) => {
    let card = mounted.cards.get(j);
    if (!card) { card = jobCard(); mounted.cards.set(j, card); }
    updateCard(card, j);
    return card.el;
  });
  // Re-order only when a job was added (appending an element already there moves it).
  const now = Array.from(mounted.box.children);
  if (now.length !== cards.length || cards.some((c, i) => now[i] !== c)) mounted.box.replaceChildren(...cards);
  const newest = list[0];
  const say = newest ? `${newest.files.length > 1 ? plural(newest.files.length, 'file') : newest.files[0]}: ${jobState(newest).label}` : '';
  if (mounted.live.textContent !== say) mounted.live.textContent = say;
}

function jobCard() {
  const el = h('div', { class: 'job' });
  const files = h('p', { class: 'job-files' });
  const bar = h('progress', { class: 'job-progress', max: '100', value: '0' });
  const label = h('p', { class: 'job-label' });
  const errors = h('ul', { class: 'file-errors', hidden: true });
  el.append(files, bar, label, errors);
  return { el, files, bar, label, errors, errKey: '' };
}

function updateCard(card, j) {
  const { value, label, cls } = jobState(j);
  card.el.className = cls;
  card.el.dataset.job = j.id || '';
  const names = j.files.join(', ');
  if (card.files.textContent !== names) card.files.textContent = names;
  card.bar.value = value;
  card.bar.setAttribute('aria-label', `Progress: ${names}`);
  card.bar.setAttribute('aria-valuetext', label);
  if (card.label.textContent !== label) card.label.textContent = label;
  const errs = (j.job && j.job.errors) || j.early || [];
  const key = JSON.stringify(errs);
  if (key !== card.errKey) {
    card.errKey = key;
    mount(card.errors, errs.map((e) => h('li', {}, h('strong', {}, `${e.document}: `), e.error || e.reason || e.code)));
    card.errors.hidden = !errs.length;
  }
}

function jobState(j) {
  let value = 0;
  let label;
  let cls = 'job';
  if (j.phase === 'upload') {
    value = Math.round(j.uploadFraction * 100);
    label = `Uploading ${plural(j.files.length, 'file')}: ${value}%`;
  } else if (j.phase === 'processing') {
    const d = j.job || {};
    const total = Number(d.total) || 0;
    const done = Number(d.done) || 0;
    value = total ? Math.round((done / total) * 100) : 0;
    label = `${stageText(d.status === 'queued' ? 'queued' : d.stage)}${total ? `: ${done} of ${total}` : '…'}`;
  } else if (j.phase === 'done') {
    value = 100;
    const errs = (j.job && j.job.errors) || [];
    label = errs.length
      ? `Finished. ${plural(errs.length, 'file')} could not be read (below); the rest were reviewed.`
      : 'Finished: all files were read and reviewed.';
    if (j.job && j.job.message) label += ` ${j.job.message}`;
    cls += errs.length ? ' warn' : ' ok';
  } else {
    label = `Processing failed: ${j.error || 'the server gave no reason'}`;
    cls += ' failed';
  }
  return { value, label, cls };
}

async function poll(caseId, j, onDone) {
  const delays = [300, 500, 700, 1000];
  let n = 0;
  let failures = 0;
  while (j.phase === 'processing') {
    await new Promise((r) => setTimeout(r, delays[Math.min(n++, delays.length - 1)]));
    try {
      const r = await get(`/api/jobs/${encodeURIComponent(j.id)}`);
      j.job = r.data;
      failures = 0;
      if (r.data.status === 'done') j.phase = 'done';
      else if (r.data.status === 'failed') {
        j.phase = 'failed';
        j.error = r.data.error || (r.data.errors && r.data.errors.length
          ? r.data.errors.map((e) => `${e.document}: ${e.error}`).join('; ') : null);
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return; // logged out: the log-in screen says why
      if (++failures >= 10) { j.phase = 'failed'; j.error = `lost contact with the server (${e.message})`; }
    }
    drawJobs();
  }
  clearPageCache();
  window.dispatchEvent(new CustomEvent('case-updated', { detail: { caseId } }));
  const errs = (j.job && j.job.errors) || [];
  if (j.phase === 'done') toast(errs.length ? `Upload finished; ${plural(errs.length, 'file')} could not be read.` : 'Upload finished.', errs.length ? 'error' : 'ok');
  if (mounted && mounted.caseId === caseId && mounted.onDone) mounted.onDone();
  else if (onDone) onDone();
}

async function startUpload(caseId, files, onDone) {
  if (!files.length) return;
  const j = { id: null, files: files.map((f) => f.name), phase: 'upload', uploadFraction: 0, job: null, error: null };
  jobs(caseId).push(j);
  drawJobs();
  try {
    const r = await uploadFiles(caseId, files, (fr) => { j.uploadFraction = fr; drawJobs(); });
    j.id = r.job_id ?? r.id;
    // Files refused on arrival (wrong type, too large, unsafe ZIP) are named at once.
    j.early = Array.isArray(r.errors) ? r.errors : [];
    j.phase = 'processing';
    drawJobs();
    poll(caseId, j, onDone);
  } catch (e) {
    j.phase = 'failed';
    j.error = e.message;
    drawJobs();
  }
}

/** Renders the Documents tab of a case. ctx: {caseId, caseInfo, user, reloadCase, openDocument}. */
export async function renderDocuments(root, ctx) {
  const input = h('input', { type: 'file', id: 'file-input', multiple: true, accept: ACCEPT });
  const zone = h('div', { class: 'dropzone', id: 'dropzone' },
    h('p', {}, h('strong', {}, 'Drag files here'), ' or ', h('label', { for: 'file-input', class: 'linkish' }, 'choose files'), ':'),
    input,
    h('p', { class: 'muted' }, 'PDF (typed or scanned), Word (.docx), text (.txt), images (.png, .jpg, .tif), or one ZIP of them. Several files at once are fine.'));
  const box = h('div', { class: 'jobs', id: 'jobs' });
  // The one live region of the upload: its text changes, the element stays.
  const live = h('p', { class: 'visually-hidden', id: 'upload-status', role: 'status' });
  const docsBox = h('div', { id: 'documents' }, h('p', { class: 'muted' }, 'Loading documents…'));
  const refresh = async () => {
    await loadDocs(docsBox, ctx);
    if (ctx.reloadCase) ctx.reloadCase();
  };
  mounted = { caseId: ctx.caseId, box, live, cards: new Map(), onDone: refresh };
  const go = (files) => startUpload(ctx.caseId, Array.from(files), refresh);
  input.addEventListener('change', () => { go(input.files); input.value = ''; });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer && e.dataTransfer.files.length) go(e.dataTransfer.files);
  });
  const canAssign = ctx.user && (ctx.user.role === 'supervisor' || ctx.user.role === 'admin');
  mount(root, h('div', { class: 'page documents-page' },
    h('section', { 'aria-labelledby': 'upload-title' }, h('h2', { id: 'upload-title' }, 'Upload files'), zone, live, box),
    h('section', { 'aria-labelledby': 'docs-title' }, h('h2', { id: 'docs-title' }, 'Documents in this case'), docsBox),
    canAssign ? assignForm(ctx) : null));
  drawJobs();
  await Promise.all([loadDocs(docsBox, ctx), resumeJobs(ctx.caseId, refresh)]);
  return () => { if (mounted && mounted.box === box) mounted = null; };
}

/** After a page reload, follow the case's jobs that are still being processed. */
async function resumeJobs(caseId, onDone) {
  if (jobs(caseId).length) return; // this tab already follows its own uploads
  let list = [];
  try {
    const r = await get(`/api/cases/${encodeURIComponent(caseId)}/jobs`);
    list = Array.isArray(r.data) ? r.data : [];
  } catch { return; } // an older server without the list: nothing to resume
  for (const job of list.filter((x) => x.status === 'queued' || x.status === 'running').reverse()) {
    const j = { id: job.id, files: [`Upload started ${job.created_at ? new Date(job.created_at).toLocaleString('en-GB') : 'earlier'}`],
      phase: 'processing', uploadFraction: 1, job, error: null };
    jobs(caseId).push(j);
    poll(caseId, j, onDone);
  }
  drawJobs();
}

function docStatus(status) {
  const words = { done: 'Read and reviewed', ready: 'Read and reviewed', ok: 'Read and reviewed',
    queued: 'Waiting', running: 'Being read…', processing: 'Being read…', failed: 'Could not be read' };
  return words[status] || status || 'Read';
}

async function loadDocs(docsBox, ctx) {
  let docs;
  try {
    const r = await get(`/api/cases/${encodeURIComponent(ctx.caseId)}/documents`);
    docs = Array.isArray(r.data) ? r.data : (r.data && r.data.items) || [];
  } catch (e) {
    mount(docsBox, h('p', { class: 'error', role: 'alert' }, `The documents could not be loaded: ${e.message}`));
    return;
  }
  ctx.documents = docs;
  if (!docs.length) { mount(docsBox, h('p', {}, 'No documents yet: upload the case files above.')); return; }
  mount(docsBox, h('div', { class: 'table-wrap' }, h('table', { class: 'docs' },
    h('caption', { class: 'visually-hidden' }, 'Documents'),
    h('thead', {}, h('tr', {}, ['Document', 'Pages', 'Read by OCR', 'Status'].map((t) => h('th', { scope: 'col' }, t)),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Open the document')))),
    h('tbody', {}, docs.map((d) => h('tr', { class: d.error ? 'has-error' : null },
      h('th', { scope: 'row' }, d.name),
      h('td', {}, String(d.pages ?? '–')),
      h('td', {}, d.ocr ? 'Yes' : 'No'),
      h('td', {}, d.error ? h('span', { class: 'error' }, `Could not be read: ${d.error}`) : docStatus(d.status)),
      h('td', {}, !d.error && d.pages ? h('button', { type: 'button', class: 'small', 'aria-label': `Open ${d.name}`,
        onclick: () => ctx.openDocument(d.id) }, 'Open') : null)))))));
}

function assignForm(ctx) {
  const who = h('input', { type: 'text', id: 'assign-user', required: true, autocomplete: 'off' });
  const msg = h('p', { class: 'muted', role: 'status' },
    `Assigned now: ${((ctx.caseInfo && ctx.caseInfo.assignees) || []).join(', ') || 'nobody'}`);
  const form = h('form', { class: 'assign', 'aria-labelledby': 'assign-title', novalidate: true },
    h('h2', { id: 'assign-title' }, 'Assign a reviewer'),
    h('label', { for: 'assign-user' }, 'User name'),
    h('div', { class: 'inline' }, who, h('button', { type: 'submit' }, 'Assign')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!who.value.trim()) return;
    try {
      const r = await post(`/api/cases/${encodeURIComponent(ctx.caseId)}/assignees`, { username: who.value.trim() });
      const list = (r.data && r.data.assignees) || [];
      msg.textContent = `${who.value.trim()} can now see this case.${list.length ? ` Assigned now: ${list.join(', ')}` : ''}`;
      who.value = '';
      if (ctx.reloadCase) ctx.reloadCase();
    } catch (e) {
      msg.textContent = `Not assigned: ${e.message}`;
    }
  });
  return form;
}
