// Versions in the console: the object browser's "show versions" rows and
// the versioning and object lock cards of the bucket settings. The
// helpers come from app.js; the two modules import each other, which is
// safe because neither uses the other's bindings until after loading.

import { h, api, run, say, confirmButton, fmtBytes, fmtTime } from './app.js';

// ---------- object browser ----------

// versionRows renders one page of ListObjectVersions for the browser b:
// every version and delete marker with its id, latest flag, size and
// time, and what can be done to it.
export function versionRows(b, strip) {
  const rows = [];
  for (const v of b.data.versions) {
    if (v.key === b.prefix) continue; // the folder's own marker
    const label = strip(v.key);
    const name = v.deleteMarker ? h('span', { class: 'deleted' }, label)
      : h('button', { type: 'button', class: 'link', onclick: () => b.details(v.key, v.versionId) }, label);
    const badges = [v.latest ? h('span', { class: 'badge latest' }, 'latest') : null,
      v.deleteMarker ? h('span', { class: 'badge marker' }, 'delete marker') : null];
    const acts = h('div', { class: 'row' });
    if (!v.deleteMarker) {
      acts.append(h('button', { type: 'button', 'data-action': 'download', 'aria-label': 'Download version ' + v.versionId + ' of ' + v.key, onclick: () => download(b.bucket, v.key, v.versionId) }, 'Download'));
    }
    if (v.deleteMarker && v.latest) {
      acts.append(h('button', { type: 'button', 'data-action': 'restore', 'aria-label': 'Restore ' + v.key, onclick: () => restore(b, v.key) }, 'Restore'));
    }
    acts.append(confirmButton(v.deleteMarker ? 'Delete marker' : 'Delete version', () => deleteVersion(b, v),
      { 'data-action': 'delete-version', 'aria-label': 'Delete version ' + v.versionId + ' of ' + v.key + ' permanently' }));
    rows.push(h('tr', {
      class: [v.latest ? '' : 'noncurrent', b.detailKey === v.key && b.detailVersion === v.versionId ? 'selected' : ''].join(' ').trim(),
      'data-key': v.key, 'data-version': v.versionId, 'data-latest': String(v.latest), 'data-marker': String(v.deleteMarker),
    },
    h('td', {}, name), h('td', {}, h('code', { class: 'vid' }, v.versionId), ' ', ...badges),
    h('td', { class: 'num' }, v.deleteMarker ? '—' : fmtBytes(v.size)), h('td', { class: 'when' }, fmtTime(v.modified)), h('td', { class: 'acts' }, acts)));
  }
  return rows;
}

export async function download(bucket, key, versionId) {
  const r = await run(() => api('POST', 'share', { bucket, key, versionId: versionId || '', download: true }));
  if (r) location.assign(r.url);
}

async function restore(b, key) {
  if (await run(() => api('POST', 'objects/restore', { bucket: b.bucket, key }), 'Restored ' + key + ': its delete marker is removed.')) b.load();
}

// deleteVersion removes one version or delete marker for good.
export async function deleteVersion(b, v) {
  const bypass = !!(document.querySelector('#bypass-governance') || {}).checked;
  const r = await run(() => api('POST', 'versions/delete', { bucket: b.bucket, versions: [{ key: v.key, versionId: v.versionId }], bypassGovernance: bypass }));
  if (!r) return false;
  if (r.errors.length) {
    say('Not deleted: ' + r.errors.map((e) => e.code + (e.message ? ' (' + e.message + ')' : '')).join(', '), 'error');
    return false;
  }
  say('Deleted version ' + v.versionId + ' of ' + v.key + ' permanently.', 'ok');
  if (b.detailKey === v.key && b.detailVersion === v.versionId) b.clearDetails('Deleted.');
  b.load();
  return true;
}

// ---------- bucket settings ----------

const stateNames = { '': 'Unversioned', Enabled: 'Enabled', Suspended: 'Suspended' };

function lockEnabled(all) {
  return !!(all.objectLock && all.objectLock.value && all.objectLock.value.enabled);
}

// versioningCard shows the state and offers the moves S3 allows: Enabled
// and Suspended, never back to unversioned, and not Suspended while
// object lock is on.
export function versioningCard(bucket, st, all, save) {
  const state = st.value || '';
  const locked = lockEnabled(all);
  const acts = h('div', { class: 'row' });
  if (state !== 'Enabled') acts.append(h('button', { type: 'button', id: 'versioning-enable', onclick: () => save('Enabled') }, 'Enable versioning'));
  if (state === 'Enabled' && !locked) acts.append(confirmButton('Suspend versioning', () => save('Suspended'), { id: 'versioning-suspend' }));
  const hint = locked ? 'Object lock is on, so versioning stays Enabled.'
    : state === '' ? 'Once enabled, versioning can be suspended but the bucket never returns to unversioned.'
      : state === 'Enabled' ? 'Suspending keeps every version; new writes then replace the "null" version.'
        : 'Suspended: existing versions stay; new writes replace the "null" version.';
  return [h('p', { id: 'versioning-status' }, 'Status: ' + (stateNames[state] || state)), acts.childElementCount ? acts : null, h('p', { class: 'muted' }, hint)];
}

function retentionText(v) {
  const n = v.years || v.days;
  return n + ' ' + (v.years ? (n === 1 ? 'year' : 'years') : (n === 1 ? 'day' : 'days')) + ' in ' + v.mode;
}

// objectLockCard shows whether object lock is on and its default
// retention, and sets that retention. On a versioned bucket without
// object lock it offers to turn it on, for good, with or without a
// default retention. Bounds (a positive period, at most 100 years) are
// the S3 endpoint's to check.
export function objectLockCard(bucket, st, all, save) {
  const id = 'set-objectLock';
  const v = st.value || {};
  const versioned = all.versioning && all.versioning.value === 'Enabled';
  const status = v.enabled ? (v.mode ? 'On; new versions are retained ' + retentionText(v) + ' mode unless they ask otherwise.' : 'On, without a default retention.')
    : versioned ? 'Off. Turning it on cannot be undone, and versioning can then no longer be suspended.'
      : 'Off. Object lock needs versioning Enabled first; once on, it cannot be turned off.';
  const out = [h('p', { id: id + '-status' }, status)];
  if (!v.enabled && !versioned) return out;
  const mode = h('select', { id: id + '-mode' }, ...[['', 'No default retention'], ['GOVERNANCE', 'GOVERNANCE'], ['COMPLIANCE', 'COMPLIANCE']]
    .map(([m, l]) => h('option', { value: m, selected: (v.mode || '') === m }, l)));
  const period = h('input', { id: id + '-period', type: 'number', min: 1, value: v.years || v.days || 1, size: 6 });
  const unit = h('select', { id: id + '-unit', 'aria-label': 'Period unit' },
    h('option', { value: 'days', selected: !v.years }, 'days'), h('option', { value: 'years', selected: !!v.years }, 'years'));
  const value = () => {
    if (!mode.value) return { enabled: true, mode: '' };
    const n = parseInt(period.value, 10) || 0;
    return { enabled: true, mode: mode.value, days: unit.value === 'days' ? n : 0, years: unit.value === 'years' ? n : 0 };
  };
  const action = v.enabled ? h('button', { type: 'button', id: id + '-save', onclick: () => save(value()) }, 'Save default retention')
    : confirmButton('Enable object lock', () => save(value()), { id: id + '-enable' });
  out.push(h('div', { class: 'row' }, h('label', { for: id + '-mode' }, 'Default retention'), mode,
    h('label', { for: id + '-period' }, 'Period'), period, unit),
  h('div', { class: 'row' }, action),
  h('p', { class: 'muted' }, 'New versions get the default retention unless the upload sets its own. COMPLIANCE retention cannot be shortened by anyone, root included.'));
  return out;
}
