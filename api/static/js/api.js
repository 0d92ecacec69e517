// The one HTTP client of the UI. Every call goes through request(), so session expiry (401),
// network failures and the server's {detail} messages are handled the same way everywhere.

/** An error from the server or the network, carrying a message a reviewer can read. */
export class ApiError extends Error {
  constructor(status, message, body = null, headers = null) {
    super(message);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  /** Seconds from a Retry-After header (429, 503), or null. */
  get retryAfter() {
    const v = this.headers && this.headers.get ? this.headers.get('Retry-After') : null;
    if (v === null || v === undefined || v === '') return null;
    const n = Number(v);
    if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
    const at = Date.parse(v); // an HTTP date
    return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
}

/** "Wait 2 minutes before trying again." from an error's Retry-After (or a general wait). */
export function retryAfterText(err) {
  const s = err instanceof ApiError ? err.retryAfter : null;
  if (s === null) return 'Wait a few minutes before trying again.';
  if (s < 60) return `Wait ${s} second${s === 1 ? '' : 's'} before trying again.`;
  const m = Math.ceil(s / 60);
  return `Wait ${m} minute${m === 1 ? '' : 's'} before trying again.`;
}

// The token lives in memory only (never localStorage), so a script injected into some other
// page cannot read it; after a reload the HttpOnly session cookie carries the session.
let token = null;
let onSessionEnded = null;
let lastActivity = Date.now();

// Requests in flight, published on <html data-inflight> so automated browser tests can wait
// for the page to settle instead of sleeping.
let inflight = 0;
function track(delta) {
  inflight += delta;
  document.documentElement.dataset.inflight = String(inflight);
}

export function setToken(t) { token = t; }
export function lastApiActivity() { return lastActivity; }

/** Called once by the app: what to do when the server says the session has ended (401). */
export function onUnauthorized(fn) { onSessionEnded = fn; }

function authHeaders(extra = {}) {
  const headers = { ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** Turns FastAPI's error bodies ({detail: "..."} or a validation list) into one sentence. */
export function detailText(body, fallback) {
  if (!body) return fallback;
  const d = body.detail ?? body.error ?? body.message;
  if (typeof d === 'string' && d.trim()) return d;
  if (Array.isArray(d) && d.length) {
    return d.map((e) => {
      const where = Array.isArray(e.loc) ? e.loc.filter((p) => p !== 'body').join(' ') : '';
      return where ? `${where}: ${e.msg}` : String(e.msg ?? e);
    }).join('; ');
  }
  return fallback;
}

const FALLBACK = {
  400: 'The server could not accept this request.',
  401: 'Your session has ended. Please log in again.',
  403: 'You do not have access to this. Ask a supervisor to assign the case to you.',
  404: 'Not found: it may have been removed, or the case is not assigned to you.',
  409: 'This conflicts with a change already made.',
  412: 'Someone else changed this suggestion while you were looking at it.',
  413: 'The upload is too large.',
  415: 'This type of file is not accepted.',
  422: 'Some of the details entered are not valid.',
  423: 'This account is locked after too many failed log-ins. Ask an administrator to unlock it.',
  428: 'The change was refused because the page did not say which version it was changing.',
  429: 'Too many requests: wait a moment and try again.',
  500: 'The server hit an error. Nothing was changed by this action; try again, and tell your administrator if it keeps happening.',
  503: 'The server is busy or starting up. Try again in a moment.',
};

export function fallbackMessage(status) {
  return FALLBACK[status] ?? `The server answered with an error (${status}).`;
}

/**
 * Sends one request. Options: json (a body to send as JSON), body (FormData etc.), ifMatch,
 * as ('json' | 'blob' | 'text'), auth401 (true: a 401 is an answer, not an expired session).
 * Resolves to {data, etag, status, headers}; rejects with ApiError.
 */
export async function request(method, path, opts = {}) {
  const headers = authHeaders(opts.headers);
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  track(1);
  try {
    return await send(method, path, headers, body, opts);
  } finally {
    track(-1);
  }
}

async function send(method, path, headers, body, opts) {
  let res;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, 'Cannot reach the server. Check the network connection; this action was not saved.');
  }
  lastActivity = Date.now();
  const etag = res.headers.get('ETag');
  if (!res.ok) {
    let errBody = null;
    try { errBody = await res.json(); } catch { /* not JSON: use the fallback wording */ }
    const message = detailText(errBody, fallbackMessage(res.status));
    if (res.status === 401 && !opts.auth401 && onSessionEnded) onSessionEnded(message);
    throw new ApiError(res.status, message, errBody, res.headers);
  }
  let data = null;
  const as = opts.as ?? 'json';
  if (res.status !== 204) {
    if (as === 'blob') data = await res.blob();
    else if (as === 'text') data = await res.text();
    else {
      const text = await res.text();
      data = text ? JSON.parse(text) : null;
    }
  }
  return { data, etag, status: res.status, headers: res.headers };
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, json, opts = {}) => request('POST', path, { ...opts, json });

/** Builds a query string from the non-empty values of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Uploads files with XMLHttpRequest (fetch has no upload progress). onProgress(fraction)
 * is called as bytes go out. Resolves to the server's JSON ({job_id}).
 */
export function uploadFiles(caseId, files, onProgress) {
  track(1);
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/cases/${encodeURIComponent(caseId)}/documents`);
    xhr.withCredentials = true;
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      lastActivity = Date.now();
      let body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(body ?? {}); return; }
      const message = detailText(body, fallbackMessage(xhr.status));
      if (xhr.status === 401 && onSessionEnded) onSessionEnded(message);
      reject(new ApiError(xhr.status, message, body));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0,
      'The upload stopped: the server could not be reached. Check the network and upload the files again.')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'The upload was cancelled.')));
    xhr.send(form);
  }).finally(() => track(-1));
}
