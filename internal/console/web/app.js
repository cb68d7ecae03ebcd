// Hoard console: dependency-free modules (this one, versions.js for
// object versions, accounts.js for the operator's accounts). Everything
// the page shows comes from the console's JSON API; object bytes go
// straight between the browser and the S3 endpoint through presigned URLs.

import { versionRows, download, deleteVersion, versioningCard, objectLockCard } from './versions.js';
import { notificationsCard } from './notifications.js';
import { lifecycleCard } from './lifecycle.js';
import { restoreState, restoreSection } from './archive.js';
import { accountsView } from './accounts.js';
import { usageView } from './usage.js';

const MiB = 1024 * 1024;
const $ = (sel) => document.querySelector(sel);
const main = $('#main');
let session = null;

// h builds an element: h('button', {onclick, class}, 'text', child...).
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

export function say(msg, kind) {
  const s = $('#status');
  s.textContent = msg || '';
  s.className = 'status ' + (kind || '');
  s.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

export function fmtBytes(n) {
  if (n < 1024) return n + ' B';
  const u = ['KiB', 'MiB', 'GiB', 'TiB'];
  let i = -1;
  do { n /= 1024; i++; } while (n >= 1024 && i < u.length - 1);
  return n.toFixed(n < 10 ? 2 : 1) + ' ' + u[i];
}
export const fmtTime = (s) => (s ? new Date(s).toLocaleString() : '');

class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

// api calls the console's JSON API; mutating calls carry the CSRF token.
export async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && session) opts.headers['X-Hoard-Csrf'] = session.csrf;
  const res = await fetch('api/' + path, opts);
  let data = null;
  try { data = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) {
    const e = (data && data.error) || { code: String(res.status), message: res.statusText };
    if (res.status === 401 && path !== 'login') { session = null; showLogin(); }
    throw new APIError(res.status, e.code, e.message || e.code);
  }
  return data;
}

// confirmButton asks for a second click before a destructive action.
export function confirmButton(label, action, attrs = {}) {
  let armed = false, timer = 0;
  const b = h('button', { type: 'button', class: 'danger', ...attrs }, label);
  b.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      b.textContent = 'Confirm: ' + label;
      timer = setTimeout(() => { armed = false; b.textContent = label; }, 5000);
      return;
    }
    clearTimeout(timer);
    armed = false;
    b.textContent = label;
    b.disabled = true;
    try { await action(); } finally { b.disabled = false; }
  });
  return b;
}

export async function run(fn, okMsg) {
  try {
    const r = await fn();
    if (okMsg) say(okMsg, 'ok');
    return r;
  } catch (e) {
    say((e.code ? e.code + ': ' : '') + e.message, 'error');
    return undefined;
  }
}

export function setView(title, ...content) {
  main.replaceChildren(h('h1', {}, title), ...content.filter(Boolean));
  document.title = title + ' · Hoard';
}

// ---------- sign-in ----------

function showLogin() {
  $('#nav').hidden = true;
  $('#signout').hidden = true;
  $('#who').textContent = '';
  const ak = h('input', { id: 'access-key', name: 'access-key', autocomplete: 'username', required: true, spellcheck: 'false' });
  const sk = h('input', { id: 'secret-key', name: 'secret-key', type: 'password', autocomplete: 'current-password', required: true });
  const tok = h('input', { id: 'session-token', name: 'session-token', autocomplete: 'off' });
  const form = h('form', { class: 'card login', id: 'login-form' },
    h('h1', {}, 'Sign in to Hoard'),
    h('label', { for: 'access-key' }, 'Access key'), ak,
    h('label', { for: 'secret-key' }, 'Secret key'), sk,
    h('details', {}, h('summary', {}, 'Temporary credentials'),
      h('label', { for: 'session-token' }, 'Session token (for STS credentials)'), tok),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', id: 'signin' }, 'Sign in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const s = await run(() => api('POST', 'login', { accessKey: ak.value.trim(), secretKey: sk.value, sessionToken: tok.value.trim() }));
    sk.value = ''; tok.value = '';
    if (!s) return;
    signedIn(s);
    say('Signed in as ' + s.principal, 'ok');
    if (!location.hash || location.hash === '#/') location.hash = '#/buckets';
    else route();
  });
  main.replaceChildren(form);
  document.title = 'Sign in · Hoard';
  ak.focus();
  offerProviderSignIn(form);
}

// offerProviderSignIn adds "Sign in with …" when the operator configured
// an OpenID Connect provider; the flow runs through the server (/oidc/login).
async function offerProviderSignIn(form) {
  let info = null;
  try { info = await api('GET', 'oidc'); } catch { return; }
  if (!info || !info.enabled || !form.isConnected) return;
  form.append(h('div', { class: 'row provider' },
    h('a', { class: 'button', id: 'oidc-signin', href: 'oidc/login' }, 'Sign in with ' + info.name)));
}

function signedIn(s) {
  session = s;
  $('#nav').hidden = false;
  $('#signout').hidden = false;
  $('#who').textContent = s.principal;
  $('#who').title = s.principal;
  // Only a root may administer accounts (the admin API decides whose).
  $('#nav-accounts').hidden = !s.root;
  $('#nav-usage').hidden = !s.root;
}

$('#signout').addEventListener('click', async () => {
  await run(() => api('POST', 'logout', {}));
  session = null;
  say('Signed out.', 'ok');
  location.hash = '#/';
  showLogin();
});

// ---------- routing ----------

function route() {
  if (!session) return showLogin();
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  for (const a of document.querySelectorAll('#nav a')) a.removeAttribute('aria-current');
  if (parts[0] === 'users') {
    $('#nav-users').setAttribute('aria-current', 'page');
    return usersView();
  }
  if (parts[0] === 'accounts') {
    $('#nav-accounts').setAttribute('aria-current', 'page');
    return accountsView();
  }
  if (parts[0] === 'usage') {
    $('#nav-usage').setAttribute('aria-current', 'page');
    return usageView(decodeURIComponent(parts[1] || ''), decodeURIComponent(parts[2] || ''));
  }
  $('#nav-buckets').setAttribute('aria-current', 'page');
  if (parts[0] === 'b' && parts[1]) return browser.open(decodeURIComponent(parts[1]), decodeURIComponent(parts[2] || ''));
  if (parts[0] === 'settings' && parts[1]) return settingsView(decodeURIComponent(parts[1]));
  return bucketsView();
}
window.addEventListener('hashchange', () => { say(''); route(); main.focus({ preventScroll: true }); });
const bucketHref = (b, p = '') => '#/b/' + encodeURIComponent(b) + '/' + encodeURIComponent(p);

// ---------- buckets ----------

async function bucketsView() {
  const name = h('input', { id: 'new-bucket', required: true, spellcheck: 'false', 'aria-describedby': 'bucket-rules' });
  const lock = h('input', { type: 'checkbox', id: 'new-bucket-lock' });
  const form = h('form', { class: 'row', id: 'create-bucket' },
    h('label', { for: 'new-bucket' }, 'New bucket name'), name,
    h('span', {}, lock, ' ', h('label', { for: 'new-bucket-lock' }, 'Object lock (turns versioning on for good)')),
    h('button', { type: 'submit', class: 'primary' }, 'Create bucket'),
    h('span', { class: 'muted', id: 'bucket-rules' }, '3–63 characters: lowercase letters, digits, dots, hyphens.'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = name.value.trim();
    if (await run(() => api('POST', 'buckets', { name: n, objectLock: lock.checked }), 'Created bucket ' + n + '.')) bucketsView();
  });
  // A principal allowed into some buckets but not to list them all can
  // still open one by name.
  const openName = h('input', { id: 'open-bucket', spellcheck: 'false' });
  const openForm = h('form', { class: 'row', id: 'open-bucket-form' },
    h('label', { for: 'open-bucket' }, 'Open a bucket by name'), openName, h('button', { type: 'submit' }, 'Open'));
  openForm.addEventListener('submit', (ev) => { ev.preventDefault(); if (openName.value.trim()) location.hash = bucketHref(openName.value.trim()); });
  const tbody = h('tbody', {}, h('tr', {}, h('td', { colspan: 3 }, 'Loading…')));
  setView('Buckets', h('div', { class: 'card' }, form, openForm),
    h('div', { class: 'card' }, h('table', { id: 'buckets' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Created'), h('th', {}, 'Actions'))), tbody)));
  const data = await run(() => api('GET', 'buckets'));
  if (!data) { tbody.replaceChildren(h('tr', {}, h('td', { colspan: 3 }, 'The bucket list is not available with your permissions.'))); return; }
  tbody.replaceChildren(...data.buckets.map((b) => h('tr', {},
    h('td', {}, h('a', { href: bucketHref(b.name) }, b.name)),
    h('td', {}, fmtTime(b.created)),
    h('td', {}, h('div', { class: 'row' },
      h('a', { class: 'btn', href: '#/settings/' + encodeURIComponent(b.name) }, 'Settings'),
      confirmButton('Delete', async () => {
        if (await run(() => api('POST', 'buckets/delete', { name: b.name }), 'Deleted bucket ' + b.name + '.')) bucketsView();
      }, { 'aria-label': 'Delete bucket ' + b.name }))))));
  if (!data.buckets.length) tbody.replaceChildren(h('tr', {}, h('td', { colspan: 3 }, 'No buckets yet.')));
}

// ---------- bucket settings ----------

const settingInfo = {
  versioning: 'Versioning', objectLock: 'Object lock',
  publicAccessBlock: 'Block Public Access', ownership: 'Object ownership',
  encryption: 'Default encryption', cors: 'CORS rules', policy: 'Bucket policy',
  lifecycle: 'Lifecycle rules',
};

async function settingsView(bucket) {
  setView('Settings of ' + bucket, h('p', {}, h('a', { href: bucketHref(bucket) }, '← Objects of ' + bucket)), h('p', {}, 'Loading…'));
  const data = await run(() => api('GET', 'settings?bucket=' + encodeURIComponent(bucket)));
  if (!data) return;
  const cards = [];
  const missing = [];
  for (const [name, title] of Object.entries(settingInfo)) {
    const st = data[name];
    if (!st || !st.supported) { missing.push(title); continue; }
    cards.push(settingCard(bucket, name, title, st, data));
  }
  cards.push(notificationsCard(bucket));
  setView('Settings of ' + bucket, h('p', {}, h('a', { href: bucketHref(bucket) }, '← Objects of ' + bucket)), ...cards,
    missing.length ? h('p', { class: 'muted' }, 'Not offered by this server yet: ' + missing.join(', ') + '.') : null);
}

function settingCard(bucket, name, title, st, all) {
  const id = 'set-' + name;
  const save = async (value, remove) => {
    if (await run(() => api('POST', 'settings', { bucket, name, value, remove: !!remove }), title + ' saved.')) settingsView(bucket);
  };
  const removeBtn = confirmButton('Remove', () => save(null, true));
  const err = st.error ? h('p', { class: 'error' }, st.error.message) : null;
  let body;
  if (name === 'versioning') {
    body = versioningCard(bucket, st, all, save);
  } else if (name === 'objectLock') {
    body = objectLockCard(bucket, st, all, save);
  } else if (name === 'lifecycle') {
    body = lifecycleCard(bucket, st, save);
  } else if (name === 'publicAccessBlock') {
    const v = st.value || {};
    const keys = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'];
    const boxes = keys.map((k) => h('input', { type: 'checkbox', id: id + k, checked: !!v[k] }));
    body = [h('div', {}, ...keys.map((k, i) => h('div', {}, boxes[i], ' ', h('label', { for: id + k }, k)))),
      h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => save(Object.fromEntries(keys.map((k, i) => [k, boxes[i].checked]))) }, 'Save'), removeBtn)];
  } else if (name === 'ownership') {
    const sel = h('select', { id }, ...['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'].map((o) => h('option', { value: o, selected: st.value === o }, o)));
    body = [h('div', { class: 'row' }, h('label', { for: id }, 'Object ownership'), sel, h('button', { type: 'button', onclick: () => save(sel.value) }, 'Save'))];
  } else if (name === 'encryption') {
    const v = st.value || {};
    const sel = h('select', { id }, ...['AES256', 'aws:kms', 'aws:kms:dsse'].map((o) => h('option', { value: o, selected: v.algorithm === o }, o)));
    const key = h('input', { id: id + '-key', value: v.kmsKeyId || '', size: 40 });
    body = [h('div', { class: 'row' }, h('label', { for: id }, 'Algorithm'), sel, h('label', { for: id + '-key' }, 'KMS key id'), key),
      h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => save({ algorithm: sel.value, kmsKeyId: key.value.trim() }) }, 'Save'), removeBtn)];
  } else {
    const isPolicy = name === 'policy';
    const text = isPolicy ? (st.value || '') : JSON.stringify(st.value || [], null, 2);
    const ta = h('textarea', { id, rows: 10, spellcheck: 'false' });
    ta.value = text;
    const hint = isPolicy ? 'A JSON policy document; the server explains any MalformedPolicy.' :
      'A JSON array of rules: [{"AllowedOrigins":["https://app.example"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000}]';
    body = [h('label', { for: id }, hint), ta,
      h('div', { class: 'row' }, h('button', {
        type: 'button', onclick: () => {
          if (isPolicy) return save(ta.value);
          let v;
          try { v = JSON.parse(ta.value); } catch (e) { return say('The rules are not valid JSON: ' + e.message, 'error'); }
          return save(v);
        },
      }, 'Save'), removeBtn)];
  }
  return h('section', { class: 'card', 'aria-labelledby': id + '-h' }, h('h2', { id: id + '-h' }, title), err, ...body);
}

// ---------- object browser ----------

const browser = {
  bucket: '', prefix: '', filter: '', tokens: [''], page: 0, size: 200,
  sort: 'key', dir: 1, data: null, selected: new Set(), detailKey: '', detailVersion: '',
  // versions shows every version and delete marker (ListObjectVersions);
  // its page tokens are {key, version} markers. seq drops answers that
  // arrive after a newer load started (a toggle during a slow listing).
  versions: false, seq: 0,

  open(bucket, prefix) {
    if (bucket !== this.bucket || prefix !== this.prefix) {
      Object.assign(this, { bucket, prefix, filter: '', tokens: [''], page: 0, selected: new Set(), detailKey: '', detailVersion: '' });
    }
    this.render();
    this.load();
  },

  async load() {
    const seq = ++this.seq;
    const versions = this.versions;
    const tok = this.tokens[this.page];
    const base = { bucket: this.bucket, prefix: this.prefix + this.filter, size: this.size };
    const q = versions ? new URLSearchParams({ ...base, keyMarker: (tok && tok.key) || '', versionMarker: (tok && tok.version) || '' })
      : new URLSearchParams({ ...base, token: tok || '' });
    const tbody = $('#objects tbody');
    if (tbody) tbody.setAttribute('aria-busy', 'true');
    const data = await run(() => api('GET', (versions ? 'versions?' : 'objects?') + q));
    if (!data || seq !== this.seq) return;
    this.data = data;
    this.tokens.length = this.page + 1;
    if (data.truncated && versions && data.nextKey) this.tokens.push({ key: data.nextKey, version: data.nextVersion || '' });
    if (data.truncated && !versions && data.next) this.tokens.push(data.next);
    this.renderTable();
  },

  // showVersions switches views; the old rows go at once, so nothing acts
  // on a row of the other view while the new listing loads.
  showVersions(on) {
    Object.assign(this, { versions: on, tokens: [''], page: 0, data: null });
    const table = $('#objects');
    table.tHead.replaceChildren();
    table.tBodies[0].replaceChildren(h('tr', {}, h('td', { colspan: 5 }, 'Loading…')));
    this.load();
  },

  clearDetails(msg) {
    this.detailKey = '';
    this.detailVersion = '';
    $('#details').replaceChildren(h('p', { class: 'muted' }, msg));
  },

  render() {
    const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Folder path' }, h('a', { href: '#/buckets' }, 'Buckets'), ' / ',
      h('a', { href: bucketHref(this.bucket) }, this.bucket));
    let acc = '';
    for (const seg of this.prefix.split('/').filter(Boolean)) {
      acc += seg + '/';
      crumbs.append(' / ', h('a', { href: bucketHref(this.bucket, acc) }, seg));
    }
    const filter = h('input', { id: 'filter', value: this.filter, spellcheck: 'false' });
    const size = h('select', { id: 'page-size' }, ...[50, 200, 1000].map((n) => h('option', { value: n, selected: n === this.size }, n)));
    const showV = h('input', { type: 'checkbox', id: 'show-versions', checked: this.versions });
    showV.addEventListener('change', () => this.showVersions(showV.checked));
    const filterForm = h('form', { class: 'row', id: 'filter-form' }, h('label', { for: 'filter' }, 'Filter by prefix'), filter,
      h('label', { for: 'page-size' }, 'Per page'), size, h('button', { type: 'submit' }, 'Apply'),
      h('span', { class: 'switch' }, showV, ' ', h('label', { for: 'show-versions' }, 'Show versions')));
    filterForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      Object.assign(this, { filter: filter.value, size: +size.value, tokens: [''], page: 0 });
      this.load();
    });
    const folder = h('input', { id: 'folder-name', spellcheck: 'false' });
    const folderForm = h('form', { class: 'row', id: 'create-folder' }, h('label', { for: 'folder-name' }, 'New folder'), folder, h('button', { type: 'submit' }, 'Create folder'));
    folderForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const name = folder.value.trim();
      if (await run(() => api('POST', 'folders', { bucket: this.bucket, prefix: this.prefix, name }), 'Created folder ' + name + '.')) {
        folder.value = '';
        this.load();
      }
    });
    const table = h('table', { id: 'objects' }, h('thead'), h('tbody', {}, h('tr', {}, h('td', { colspan: 5 }, 'Loading…'))));
    const pager = h('div', { class: 'row', id: 'pager' });
    const actions = h('div', { class: 'row' },
      confirmButton('Delete selected', () => this.deleteSelected(), { id: 'delete-selected' }),
      h('span', { class: 'muted', id: 'sel-count' }, ''),
      h('span', { id: 'bypass-row', hidden: true }, h('input', { type: 'checkbox', id: 'bypass-governance' }), ' ',
        h('label', { for: 'bypass-governance' }, 'Bypass GOVERNANCE retention when deleting versions (needs s3:BypassGovernanceRetention)')));
    main.replaceChildren(
      h('h1', {}, 'Objects'), crumbs,
      h('div', { class: 'layout' },
        h('div', {}, h('div', { class: 'card' }, filterForm, folderForm, actions, table, pager)),
        h('div', {}, h('aside', { class: 'card', id: 'details', 'aria-label': 'Object details' }, h('p', { class: 'muted' }, 'Select an object name to see its details.')),
          uploader.panel())));
    document.title = this.bucket + '/' + this.prefix + ' · Hoard';
  },

  sorted() {
    const objs = [...this.data.objects];
    const k = this.sort, d = this.dir;
    objs.sort((a, b) => (a[k] < b[k] ? -d : a[k] > b[k] ? d : 0));
    const folders = [...this.data.folders].sort((a, b) => (a < b ? -d : a > b ? d : 0));
    return { folders: k === 'key' ? folders : this.data.folders, objs };
  },

  renderTable() {
    const table = $('#objects');
    if (!table || !this.data) return;
    if (this.versions) return this.renderVersions(table);
    $('#delete-selected').hidden = false;
    $('#bypass-row').hidden = true;
    const sortBtn = (key, label, cls) => h('th', { class: cls, 'aria-sort': this.sort === key ? (this.dir > 0 ? 'ascending' : 'descending') : 'none' },
      h('button', { type: 'button', onclick: () => { this.dir = this.sort === key ? -this.dir : 1; this.sort = key; this.renderTable(); } },
        label + (this.sort === key ? (this.dir > 0 ? ' ▲' : ' ▼') : '')));
    const all = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select all objects on this page' });
    all.addEventListener('change', () => {
      for (const o of this.data.objects) all.checked ? this.selected.add(o.key) : this.selected.delete(o.key);
      this.renderTable();
    });
    table.tHead.replaceChildren(h('tr', {}, h('th', {}, all), sortBtn('key', 'Name'), sortBtn('size', 'Size', 'num'), sortBtn('modified', 'Last modified'), h('th', {}, 'Class')));
    const { folders, objs } = this.sorted();
    const rows = [];
    const strip = (k) => k.slice(this.prefix.length);
    for (const f of folders) {
      rows.push(h('tr', {}, h('td', {}), h('td', {}, h('a', { href: bucketHref(this.bucket, f), class: 'folder' }, '📁 ' + strip(f))), h('td', { class: 'num' }, '—'), h('td', {}), h('td', {})));
    }
    for (const o of objs) {
      if (o.key === this.prefix) continue; // the folder's own marker
      const box = h('input', { type: 'checkbox', 'aria-label': 'Select ' + o.key, checked: this.selected.has(o.key) });
      box.addEventListener('change', () => { box.checked ? this.selected.add(o.key) : this.selected.delete(o.key); this.countSelected(); });
      rows.push(h('tr', { class: this.detailKey === o.key ? 'selected' : '' }, h('td', {}, box),
        h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => this.details(o.key) }, strip(o.key))),
        h('td', { class: 'num' }, fmtBytes(o.size)), h('td', {}, fmtTime(o.modified)), h('td', { class: 'class' }, o.storageClass || '')));
    }
    if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: 5 }, this.filter ? 'Nothing matches the filter.' : 'This folder is empty.')));
    table.tBodies[0].replaceChildren(...rows);
    table.tBodies[0].removeAttribute('aria-busy');
    const pager = $('#pager');
    pager.replaceChildren(
      h('button', { type: 'button', id: 'prev-page', disabled: this.page === 0, onclick: () => { this.page--; this.load(); } }, '← Previous'),
      h('span', { class: 'muted', id: 'page-info' }, 'Page ' + (this.page + 1) + ' · ' + (folders.length + objs.length) + (folders.length + objs.length === 1 ? ' entry' : ' entries')),
      h('button', { type: 'button', id: 'next-page', disabled: this.tokens.length <= this.page + 1, onclick: () => { this.page++; this.load(); } }, 'Next →'));
    this.countSelected();
  },

  renderVersions(table) {
    $('#delete-selected').hidden = true;
    $('#sel-count').textContent = '';
    $('#bypass-row').hidden = false;
    table.tHead.replaceChildren(h('tr', {}, ...['Name', 'Version', 'Size', 'Last modified', 'Actions'].map((l) => h('th', { class: l === 'Size' ? 'num' : null }, l))));
    const strip = (k) => k.slice(this.prefix.length);
    const rows = this.data.folders.map((f) => h('tr', {}, h('td', { colspan: 5 }, h('a', { href: bucketHref(this.bucket, f), class: 'folder' }, '📁 ' + strip(f)))));
    rows.push(...versionRows(this, strip));
    if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: 5 }, this.filter ? 'Nothing matches the filter.' : 'No versions in this folder.')));
    table.tBodies[0].replaceChildren(...rows);
    table.tBodies[0].removeAttribute('aria-busy');
    const n = this.data.versions.length;
    $('#pager').replaceChildren(
      h('button', { type: 'button', id: 'prev-page', disabled: this.page === 0, onclick: () => { this.page--; this.load(); } }, '← Previous'),
      h('span', { class: 'muted', id: 'page-info' }, 'Page ' + (this.page + 1) + ' · ' + n + (n === 1 ? ' version' : ' versions')),
      h('button', { type: 'button', id: 'next-page', disabled: this.tokens.length <= this.page + 1, onclick: () => { this.page++; this.load(); } }, 'Next →'));
  },

  countSelected() {
    const c = $('#sel-count');
    if (c) c.textContent = this.selected.size ? this.selected.size + ' selected' : '';
  },

  async deleteSelected() {
    const keys = [...this.selected];
    if (!keys.length) return say('Select objects to delete first.', 'error');
    for (let i = 0; i < keys.length; i += 1000) {
      const r = await run(() => api('POST', 'objects/delete', { bucket: this.bucket, keys: keys.slice(i, i + 1000) }));
      if (!r) return;
      if (r.errors.length) say(r.errors.length + ' not deleted: ' + r.errors.map((e) => e.key + ' (' + e.code + ')').join(', '), 'error');
      else say('Deleted ' + r.deleted + ' object(s).' + markerNote(r), 'ok');
    }
    this.selected.clear();
    if (keys.includes(this.detailKey)) { this.detailKey = ''; $('#details').replaceChildren(h('p', { class: 'muted' }, 'Deleted.')); }
    this.load();
  },

  // details shows the object, or one version of it when versionId is
  // given (from the versions view): then download, share and delete act
  // on that version, and delete is permanent.
  async details(key, versionId = '') {
    this.detailKey = key;
    this.detailVersion = versionId;
    this.renderTable();
    const pane = $('#details');
    pane.replaceChildren(h('h2', {}, 'Details'), h('p', {}, 'Loading…'));
    const d = await run(() => api('GET', 'object?' + new URLSearchParams({ bucket: this.bucket, key, versionId })));
    if (!d) return;
    const kv = (pairs) => h('dl', { class: 'kv' }, ...pairs.filter(([, v]) => v !== '' && v !== undefined).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    const map = (m) => Object.entries(m || {}).map(([k, v]) => [k, v]);
    const expiry = h('select', { id: 'share-expiry' },
      ...[[3600, '1 hour'], [86400, '1 day'], [604800, '7 days (maximum)'], [300, '5 minutes']].map(([s, l]) => h('option', { value: s }, l)));
    const link = h('input', { id: 'share-url', class: 'share', readonly: true, 'aria-label': 'Share link' });
    const shareBtn = h('button', { type: 'button', id: 'share' }, 'Make share link');
    shareBtn.addEventListener('click', async () => {
      const r = await run(() => api('POST', 'share', { bucket: this.bucket, key, versionId, seconds: +expiry.value }));
      if (!r) return;
      link.value = r.url;
      link.focus(); link.select();
      say('Share link valid until ' + fmtTime(r.expires) + '.', 'ok');
    });
    const dl = h('button', { type: 'button', id: 'download', onclick: () => download(this.bucket, key, versionId) }, 'Download');
    const del = versionId ? confirmButton('Delete this version', () => deleteVersion(this, { key, versionId }), { id: 'delete-object' })
      : confirmButton('Delete', async () => {
        const r = await run(() => api('POST', 'objects/delete', { bucket: this.bucket, keys: [key] }));
        if (r && r.errors.length) say('Not deleted: ' + r.errors.map((e) => e.code).join(', '), 'error');
        else if (r) say('Deleted ' + key + '.' + markerNote(r), 'ok');
        if (r && !r.errors.length) {
          this.clearDetails('Deleted.');
          this.load();
        }
      }, { id: 'delete-object' });
    pane.replaceChildren(h('h2', {}, 'Details'),
      kv([['Key', d.key], ['Size', fmtBytes(d.size) + ' (' + d.size.toLocaleString() + ' bytes)'], ['ETag', d.etag], ['Content type', d.contentType],
        ['Last modified', fmtTime(d.modified)], ['Encryption', d.encryption || 'none'], ['KMS key', d.kmsKeyId], ['Storage class', d.storageClass], ['Restore', restoreState(d)], ['Version', d.versionId],
        ['Retention', d.lockMode ? d.lockMode + ' until ' + fmtTime(d.retainUntil) : ''], ['Legal hold', d.legalHold]]),
      h('h2', {}, 'Checksums'), Object.keys(d.checksums).length ? kv(map(d.checksums)) : h('p', { class: 'muted' }, 'None stored.'),
      h('h2', {}, 'Metadata'), Object.keys(d.metadata || {}).length ? kv(map(d.metadata)) : h('p', { class: 'muted' }, 'None.'),
      h('h2', {}, 'Tags'), Object.keys(d.tags).length ? kv(map(d.tags)) : h('p', { class: 'muted' }, 'None.'),
      h('div', { class: 'row' }, dl, del),
      restoreSection(this.bucket, key, versionId, d, () => this.details(key, versionId)) || '',
      h('h2', {}, 'Share'), h('div', { class: 'row' }, h('label', { for: 'share-expiry' }, 'Valid for'), expiry, shareBtn), link);
  },
};

// markerNote tells that a delete on a versioned bucket only hid the object.
function markerNote(r) {
  return r.markers ? ' A delete marker keeps ' + (r.markers === 1 ? 'its' : 'their') + ' versions: turn on "Show versions" to restore.' : '';
}

// ---------- uploads ----------

// uploader sends files straight to the S3 endpoint: multipart with
// presigned part URLs, several parts in flight, failed parts retried with
// exponential backoff; files smaller than a part go in one presigned PUT.
const uploader = {
  partMiB: 5, parallel: 4, jobs: [], el: null,
  stats: { start: 0, end: 0, bytes: 0, done: 0, failed: 0, retried: 0, files: 0 },
  active: 0, timer: 0, inFlight: 0, waiting: [],

  // Part requests of all files share one pool of slots, so several files
  // together still keep at most the chosen number of parts in flight.
  async acquire() {
    if (this.inFlight < this.parallel) { this.inFlight++; return; }
    await new Promise((res) => this.waiting.push(res));
  },
  release() {
    const next = this.waiting.shift();
    if (next && this.inFlight <= this.parallel) next();
    else this.inFlight--;
  },

  panel() {
    const part = h('select', { id: 'part-size' }, ...[5, 8, 16, 32, 64, 128].map((n) => h('option', { value: n, selected: n === this.partMiB }, n + ' MiB')));
    part.addEventListener('change', () => { this.partMiB = +part.value; });
    const par = h('input', { id: 'parallel', type: 'number', min: 1, max: 10, value: this.parallel, size: 3 });
    par.addEventListener('change', () => { this.parallel = Math.min(10, Math.max(1, Math.round(+par.value) || 1)); par.value = this.parallel; });
    const input = h('input', { id: 'file-input', type: 'file', multiple: true });
    input.addEventListener('change', () => { this.add([...input.files]); input.value = ''; });
    const drop = h('div', { class: 'drop', id: 'drop' }, 'Drop files here, or ', h('label', { for: 'file-input' }, 'choose files: '), input);
    drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (ev) => { ev.preventDefault(); drop.classList.remove('over'); this.add([...ev.dataTransfer.files]); });
    this.el = {
      list: h('div', { id: 'upload-list' }),
      overall: h('progress', { id: 'overall', max: 1, value: 0, 'aria-label': 'Overall upload progress' }),
      monitor: h('dl', { class: 'kv', id: 'monitor-stats' }),
    };
    for (const j of this.jobs) this.el.list.append(j.row);
    const box = h('section', { class: 'card', 'aria-labelledby': 'upl-h' }, h('h2', { id: 'upl-h' }, 'Upload to this folder'),
      h('div', { class: 'row' }, h('label', { for: 'part-size' }, 'Part size'), part, h('label', { for: 'parallel' }, 'Parallel parts (1–10)'), par),
      drop, h('div', { class: 'row' }, h('label', { for: 'overall' }, 'Overall'), this.el.overall), this.el.list,
      h('section', { class: 'monitor', id: 'monitor', 'aria-labelledby': 'mon-h' }, h('h2', { id: 'mon-h' }, 'Upload monitor'), this.el.monitor,
        h('button', { type: 'button', onclick: () => { this.resetStats(); } }, 'Reset monitor')));
    this.paint();
    return box;
  },

  resetStats() {
    this.stats = { start: 0, end: 0, bytes: 0, done: 0, failed: 0, retried: 0, files: 0 };
    this.paint();
  },

  add(files) {
    for (const f of files) this.start(f, browser.bucket, browser.prefix + f.name);
  },

  async start(file, bucket, key) {
    const job = { file, bucket, key, loaded: new Map(), xhrs: new Set(), cancelled: false, uploadId: '', state: 'starting' };
    job.bar = h('progress', { max: file.size || 1, value: 0, 'aria-label': 'Progress of ' + file.name });
    job.text = h('span', { class: 'muted' }, 'Starting…');
    job.cancelBtn = h('button', { type: 'button', class: 'cancel', 'aria-label': 'Cancel upload of ' + file.name, onclick: () => this.cancel(job) }, 'Cancel');
    job.row = h('div', { class: 'upl', 'data-key': key }, h('div', { class: 'name' }, key), job.bar, h('div', { class: 'row' }, job.text, job.cancelBtn));
    this.jobs.push(job);
    this.el.list.append(job.row);
    if (!this.active++) {
      if (!this.stats.start || this.stats.end) this.resetStats();
      this.stats.start = performance.now();
      this.stats.end = 0;
      this.timer = setInterval(() => this.paint(), 250);
    }
    const partSize = this.partMiB * MiB;
    const parallel = this.parallel;
    try {
      if (file.size < partSize) await this.single(job);
      else await this.multipart(job, partSize, parallel);
      job.state = 'done';
      job.text.textContent = 'Done · ' + fmtBytes(file.size);
      this.stats.files++;
      browser.bucket === bucket && browser.load();
    } catch (e) {
      if (job.cancelled) {
        job.state = 'cancelled';
        job.text.textContent = 'Cancelled';
      } else {
        job.state = 'failed';
        job.text.textContent = 'Failed: ' + e.message;
        job.text.className = 'error';
        if (job.uploadId) await this.abort(job);
      }
    } finally {
      job.cancelBtn.remove();
      job.row.dataset.state = job.state;
      if (!--this.active) {
        this.stats.end = performance.now();
        clearInterval(this.timer);
      }
      this.paint();
    }
  },

  async single(job) {
    const type = job.file.type || 'application/octet-stream';
    await this.put(job, 0, async () => (await api('POST', 'uploads/single', { bucket: job.bucket, key: job.key, contentType: type })).url, job.file, type);
    this.stats.done++;
  },

  async multipart(job, partSize, parallel) {
    const type = job.file.type || 'application/octet-stream';
    const up = await api('POST', 'uploads', { bucket: job.bucket, key: job.key, contentType: type });
    job.uploadId = up.uploadId;
    if (job.cancelled) throw new Error('cancelled');
    const count = Math.ceil(job.file.size / partSize);
    if (count > 10000) throw new Error('more than 10,000 parts: choose a larger part size');
    const etags = new Array(count + 1);
    let next = 1;
    const worker = async () => {
      while (next <= count && !job.cancelled) {
        const n = next++;
        const blob = job.file.slice((n - 1) * partSize, Math.min(n * partSize, job.file.size));
        etags[n] = await this.part(job, n, blob);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
    if (job.cancelled) throw new Error('cancelled');
    job.text.textContent = 'Completing…';
    const done = etags.map((etag, part) => ({ part, etag })).filter((p) => p.part > 0);
    await api('POST', 'uploads/complete', { bucket: job.bucket, key: job.key, uploadId: job.uploadId, done });
  },

  // part uploads one part, retrying failures with exponential backoff
  // (0.5 s, 1 s, 2 s, 4 s, 8 s); each try gets a fresh presigned URL.
  async part(job, n, blob) {
    for (let attempt = 0; ; attempt++) {
      try {
        const etag = await this.put(job, n, async () => {
          const r = await api('POST', 'uploads/parts', { bucket: job.bucket, key: job.key, uploadId: job.uploadId, parts: [n] });
          return r.urls[n];
        }, blob, '');
        this.stats.done++;
        return etag;
      } catch (e) {
        if (job.cancelled) throw e;
        this.stats.failed++;
        job.loaded.set(n, 0);
        if (attempt >= 5 || (e instanceof APIError && e.status < 500 && e.status !== 429)) throw e;
        this.stats.retried++;
        await new Promise((res) => setTimeout(res, 500 * 2 ** attempt));
      }
    }
  },

  // put takes a slot, then presigns (so a URL never ages in the queue)
  // and sends the body; it returns the ETag.
  async put(job, n, presign, body, type) {
    await this.acquire();
    try {
      if (job.cancelled) throw new Error('cancelled');
      const url = await presign();
      if (job.cancelled) throw new Error('cancelled');
      return await this.send(job, n, url, body, type);
    } finally {
      this.release();
    }
  },

  // send PUTs one body with XMLHttpRequest, the one browser API that
  // reports upload progress.
  send(job, n, url, body, type) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      job.xhrs.add(xhr);
      xhr.open('PUT', url);
      if (type) xhr.setRequestHeader('Content-Type', type);
      xhr.upload.onprogress = (ev) => { job.loaded.set(n, ev.loaded); };
      xhr.onload = () => {
        job.xhrs.delete(xhr);
        if (xhr.status >= 200 && xhr.status < 300) {
          job.loaded.set(n, body.size);
          this.stats.bytes += body.size;
          resolve(xhr.getResponseHeader('ETag'));
        } else {
          const code = (xhr.responseText.match(/<Code>([^<]*)<\/Code>/) || [])[1] || String(xhr.status);
          reject(new Error('part ' + n + ': ' + code));
        }
      };
      xhr.onerror = () => { job.xhrs.delete(xhr); reject(new Error('part ' + n + ': network error')); };
      xhr.onabort = () => { job.xhrs.delete(xhr); reject(new Error('cancelled')); };
      xhr.send(body);
    });
  },

  async cancel(job) {
    if (job.cancelled) return;
    job.cancelled = true;
    job.text.textContent = 'Cancelling…';
    for (const x of [...job.xhrs]) x.abort();
    if (job.uploadId) await this.abort(job);
  },

  async abort(job) {
    await run(() => api('POST', 'uploads/abort', { bucket: job.bucket, key: job.key, uploadId: job.uploadId }));
  },

  paint() {
    let total = 0, loaded = 0;
    for (const j of this.jobs) {
      const l = [...j.loaded.values()].reduce((a, b) => a + b, 0);
      if (j.bar) j.bar.value = j.state === 'done' ? j.bar.max : l;
      if (j.state === 'starting') {
        total += j.file.size;
        loaded += l;
        if (l && !j.cancelled) j.text.textContent = fmtBytes(l) + ' of ' + fmtBytes(j.file.size);
      }
    }
    if (this.el) {
      this.el.overall.max = total || 1;
      this.el.overall.value = total ? loaded : this.jobs.length ? 1 : 0;
      const s = this.stats;
      const secs = s.start ? ((s.end || performance.now()) - s.start) / 1000 : 0;
      const rate = secs > 0 ? s.bytes / secs : 0;
      const pairs = [['Total time', secs.toFixed(2) + ' s'], ['Bytes uploaded', fmtBytes(s.bytes)],
        ['Throughput', (rate / MiB).toFixed(1) + ' MiB/s'], ['Parts done', s.done], ['Parts failed', s.failed],
        ['Parts retried', s.retried], ['Files done', s.files], ['Uploads running', this.active]];
      this.el.monitor.replaceChildren(...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-stat': k }, String(v))]));
    }
  },
};

// ---------- users and keys ----------

async function usersView() {
  const name = h('input', { id: 'new-user', required: true, spellcheck: 'false' });
  const form = h('form', { class: 'row', id: 'create-user' }, h('label', { for: 'new-user' }, 'New user name'), name, h('button', { type: 'submit', class: 'primary' }, 'Create user'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const u = name.value.trim();
    if (await run(() => api('POST', 'users', { action: 'createUser', user: u }), 'Created user ' + u + '.')) usersView();
  });
  const secretBox = h('div', { id: 'new-secret', 'aria-live': 'polite' });
  const list = h('div', {}, 'Loading…');
  setView('Users and keys', h('div', { class: 'card' }, form), secretBox, list);
  const data = await run(() => api('GET', 'users'));
  if (!data) { list.replaceChildren(h('p', { class: 'error' }, 'The users could not be listed with your permissions.')); return; }
  if (!data.users.length) { list.replaceChildren(h('p', {}, 'No users yet.')); return; }
  const act = async (body, msg) => {
    const r = await run(() => api('POST', 'users', body), msg);
    if (r) usersView();
    return r;
  };
  list.replaceChildren(...data.users.map((u) => {
    const keys = u.keys.map((k) => h('tr', {}, h('td', {}, h('code', {}, k.id)), h('td', {}, k.status), h('td', {}, fmtTime(k.created)),
      h('td', {}, h('div', { class: 'row' },
        h('button', { type: 'button', onclick: () => act({ action: 'setKeyStatus', user: u.name, keyId: k.id, status: k.status === 'Active' ? 'Inactive' : 'Active' }, 'Key ' + k.id + ' updated.') },
          k.status === 'Active' ? 'Deactivate' : 'Activate'),
        confirmButton('Delete key', () => act({ action: 'deleteKey', user: u.name, keyId: k.id }, 'Key deleted.'), { 'aria-label': 'Delete key ' + k.id })))));
    const pname = h('input', { id: 'pname-' + u.name, spellcheck: 'false' });
    const pdoc = h('textarea', { id: 'pdoc-' + u.name, rows: 8, spellcheck: 'false' });
    pdoc.value = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"]}]\n}';
    const policies = u.policies.map((p) => h('li', { class: 'row' }, h('code', {}, p),
      h('button', {
        type: 'button', onclick: async () => {
          const r = await run(() => api('POST', 'users', { action: 'getPolicy', user: u.name, policyName: p }));
          if (r) { pname.value = p; pdoc.value = r.policy; pdoc.focus(); }
        },
      }, 'Edit'),
      confirmButton('Delete policy', () => act({ action: 'deletePolicy', user: u.name, policyName: p }, 'Policy deleted.'), { 'aria-label': 'Delete policy ' + p })));
    const newKey = h('button', {
      type: 'button', class: 'new-key', onclick: async () => {
        const r = await run(() => api('POST', 'users', { action: 'createKey', user: u.name }), 'Access key created.');
        if (!r) return;
        await usersView();
        $('#new-secret').replaceChildren(h('div', { class: 'card' }, h('h2', {}, 'New access key for ' + u.name),
          h('p', {}, 'The secret is shown only now; copy it somewhere safe.'),
          h('dl', { class: 'kv secret' }, h('dt', {}, 'Access key'), h('dd', {}, r.keyId), h('dt', {}, 'Secret key'), h('dd', {}, r.secret)),
          h('button', { type: 'button', onclick: () => $('#new-secret').replaceChildren() }, 'I have copied it')));
      },
    }, 'Create access key');
    return h('section', { class: 'card', 'aria-label': 'User ' + u.name },
      h('h2', {}, u.name), h('p', { class: 'muted' }, u.arn + (u.created ? ' · created ' + fmtTime(u.created) : '')),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Access key'), h('th', {}, 'Status'), h('th', {}, 'Created'), h('th', {}, 'Actions'))),
        h('tbody', {}, keys.length ? keys : h('tr', {}, h('td', { colspan: 4 }, 'No keys.')))),
      h('div', { class: 'row' }, newKey, confirmButton('Delete user', () => act({ action: 'deleteUser', user: u.name }, 'User deleted.'), { 'aria-label': 'Delete user ' + u.name })),
      h('h2', {}, 'Inline policies'), h('ul', {}, policies.length ? policies : h('li', { class: 'muted' }, 'None.')),
      h('details', {}, h('summary', {}, 'Add or replace a policy'),
        h('div', { class: 'row' }, h('label', { for: 'pname-' + u.name }, 'Policy name'), pname),
        h('label', { for: 'pdoc-' + u.name }, 'Policy document (JSON)'), pdoc,
        h('button', { type: 'button', onclick: () => act({ action: 'putPolicy', user: u.name, policyName: pname.value.trim(), policy: pdoc.value }, 'Policy saved.') }, 'Save policy')));
  }));
}

// ---------- start ----------

(async () => {
  try {
    signedIn(await api('GET', 'session'));
    route();
  } catch {
    showLogin();
  }
})();
