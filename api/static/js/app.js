// Start-up, the log-in state, the hash router (#/cases, #/cases/ID, #/cases/ID/documents) and
// the keys that work on every screen (? for help, / for search).

import { get, post, setToken, onUnauthorized, lastApiActivity } from './api.js';
import { h, mount, isTyping } from './dom.js';
import { renderLogin } from './login.js';
import { renderPasswordChange } from './password.js';
import { renderCases } from './cases.js';
import { renderCase } from './case.js';
import { helpDialog, settingsDialog, dialogOpen } from './dialogs.js';
import { shortcutsEnabled } from './prefs.js';
import { SHORTCUT_SCOPE } from './review.js';
import { toast } from './toast.js';
import { clearPageCache } from './pageview.js';

const main = document.getElementById('main');
const userBox = document.getElementById('user-box');

const app = {
  user: null,
  idleMinutes: 30,
  cleanup: null,
  onSlash: null,
  pendingHandoff: null,
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

function showUser() {
  if (!app.user) { mount(userBox); return; }
  mount(userBox,
    h('span', { class: 'who' }, `${app.user.username} (${app.user.role})`),
    h('button', { type: 'button', class: 'small', id: 'help-button', onclick: () => helpDialog(),
      'aria-keyshortcuts': '?' }, 'Keys ?'),
    h('button', { type: 'button', class: 'small', id: 'settings-button', onclick: () => settingsDialog() }, 'Settings'),
    h('button', { type: 'button', class: 'small', id: 'password-button', onclick: () => showPasswordChange(false) }, 'Password'),
    h('button', { type: 'button', class: 'small', id: 'logout', onclick: logout }, 'Log out'));
}

function teardown() {
  if (app.cleanup) { try { app.cleanup(); } catch { /* a view that failed to build */ } }
  app.cleanup = null;
  app.onSlash = null;
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
}

function showLogin(message = '', kind = 'info') {
  teardown();
  app.user = null;
  setToken(null);
  clearPageCache();
  showUser();
  document.title = 'Log in · Case file review';
  renderLogin(main, {
    message,
    kind,
    onLoggedIn: (user, idle, mustChange) => {
      app.user = user;
      app.mustChangePassword = mustChange;
      if (idle) app.idleMinutes = Number(idle) || 30;
      showUser();
      route(); // back to where the reviewer was when the session ended
    },
  });
}

// The change-password screen. Forced (the account's password was set by the installation):
// nothing else is shown until it is changed. Otherwise Cancel goes back to the screen before.
function showPasswordChange(forced) {
  teardown();
  document.title = `${forced ? 'Choose a new password' : 'Change your password'} · Case file review`;
  renderPasswordChange(main, {
    forced,
    username: app.user ? app.user.username : '',
    onDone: () => {
      app.mustChangePassword = false;
      toast('Your password was changed.', 'info');
      route();
    },
    onCancel: () => route(),
  });
}

async function logout() {
  try { await post('/api/auth/logout', {}, { auth401: true }); } catch { /* logged out either way */ }
  showLogin('You have logged out.', 'info');
}

onUnauthorized((detail) => {
  if (!app.user) return; // already on the log-in screen
  showLogin(`Your session has ended (after ${app.idleMinutes} minutes without activity, or the server restarted). `
    + 'Log in again to carry on: every decision you saved is kept.', 'error');
  void detail;
});

async function route() {
  if (!app.user) { showLogin(); return; }
  if (app.mustChangePassword) { showPasswordChange(true); return; }
  teardown();
  const parts = (location.hash.replace(/^#\/?/, '') || 'cases').split('/').map(decodeURIComponent);
  main.focus({ preventScroll: true });
  if (parts[0] === 'cases' && parts[1]) {
    const tab = parts[2] === 'documents' ? 'documents' : 'review';
    const token = {};
    app.routeToken = token;
    const cleanup = await renderCase(main, parts[1], tab, app);
    if (app.routeToken === token) app.cleanup = cleanup;
    else if (cleanup) cleanup();
    return;
  }
  document.title = 'Cases · Case file review';
  await renderCases(main, app);
}

// ? (help) and / (search). Like the review screen's own keys (a, r, j, ... in review.js) they
// are single characters, so they act only in the queue region and only while the reviewer has
// single-key shortcuts on (WCAG 2.1.4); the "Keys" button and the search box work everywhere.
document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || !app.user) return;
  if (dialogOpen() || isTyping(ev.target)) return;
  if (!shortcutsEnabled() || !(ev.target instanceof Element) || !ev.target.closest(SHORTCUT_SCOPE)) return;
  if (ev.key === '?') { ev.preventDefault(); helpDialog(); }
  else if (ev.key === '/' && app.onSlash) { ev.preventDefault(); app.onSlash(); }
});

// A warning two minutes before an idle session would end, so work is not interrupted unawares.
setInterval(() => {
  if (!app.user) return;
  const idle = (Date.now() - lastApiActivity()) / 60_000;
  if (idle > app.idleMinutes - 2 && idle < app.idleMinutes - 1.5) {
    toast('Your session will end in about 2 minutes without activity. Open a suggestion or a page to keep it.', 'error');
  }
}, 30_000);

window.addEventListener('hashchange', (ev) => {
  // An in-page link (#main) is not a screen of the app: stay where the reviewer is.
  if (!isRoute(location.hash)) {
    history.replaceState(null, '', ev.oldURL && ev.oldURL.includes('#') ? ev.oldURL.slice(ev.oldURL.indexOf('#')) : '#/cases');
    return;
  }
  route();
});

function isRoute(hash) { return hash === '' || hash === '#' || hash.startsWith('#/'); }

// The skip link moves the focus to this screen's main content without changing the address,
// so on a case page it lands on that case, not (through the router) on the case list.
document.querySelector('a.skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
  main.scrollIntoView({ block: 'start' });
});

async function boot() {
  try {
    const r = await get('/api/me', { auth401: true });
    app.user = r.data.user || r.data;
    app.mustChangePassword = Boolean(r.data.password_change_required);
    showUser();
    route();
  } catch {
    showLogin();
  }
}

boot();
