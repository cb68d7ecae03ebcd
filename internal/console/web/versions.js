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
  const r = await run(() => api('POST', 'versions/delete', { bucket: b.bucket, versions: [{ key: v.key, versionId: v.versionId }] }));
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
  const sel = h('select', { id: 'set-versioning' },
    h('option', { value: 'Enabled', selected: state !== 'Suspended' }, 'Enabled'),
    h('option', { value: 'Suspended', selected: state === 'Suspended', disabled: locked }, 'Suspended'));
  const hint = locked ? 'Object lock is on, so versioning stays Enabled.'
    : state === '' ? 'Once enabled, versioning can be suspended but the bucket never returns to unversioned.'
      : 'Suspended keeps existing versions; new writes replace the "null" version.';
  return [
    h('p', {}, 'State: ', h('strong', { id: 'versioning-state' }, stateNames[state] || state)),
    h('div', { class: 'row' }, h('label', { for: 'set-versioning' }, 'Versioning'), sel,
      h('button', { type: 'button', id: 'save-versioning', disabled: locked, onclick: () => save(sel.value) }, 'Save')),
    h('p', { class: 'muted' }, hint)];
}

function retentionText(v) {
  if (!v.mode) return 'none';
  const n = v.years || v.days;
  return v.mode + ', ' + n + ' ' + (v.years ? (n === 1 ? 'year' : 'years') : (n === 1 ? 'day' : 'days'));
}

// objectLockCard shows whether object lock is on and its default
// retention; it sets the retention when on, and offers to turn object
// lock on (for good) on a versioned bucket.
export function objectLockCard(bucket, st, all, save) {
  const v = st.value || {};
  const out = [h('p', {}, 'Object lock: ', h('strong', { id: 'objectlock-state' }, v.enabled ? 'Enabled' : 'Not enabled'))];
  if (!v.enabled) {
    const versioned = all.versioning && all.versioning.value === 'Enabled';
    if (!versioned) {
      out.push(h('p', { class: 'muted' }, 'Object lock needs versioning Enabled. Once on, it cannot be turned off.'));
      return out;
    }
    out.push(h('div', { class: 'row' }, confirmButton('Enable object lock', () => save({ enabled: true, mode: '' }), { id: 'enable-objectlock' }),
      h('span', { class: 'muted' }, 'This cannot be undone, and versioning can no longer be suspended.')));
    return out;
  }
  out.push(h('p', {}, 'Default retention: ', h('strong', { id: 'objectlock-retention' }, retentionText(v))));
  const mode = h('select', { id: 'set-objectLock' }, ...[['', 'None'], ['GOVERNANCE', 'GOVERNANCE'], ['COMPLIANCE', 'COMPLIANCE']]
    .map(([m, l]) => h('option', { value: m, selected: (v.mode || '') === m }, l)));
  const period = h('input', { id: 'set-objectLock-period', type: 'number', min: 1, value: v.years || v.days || 1, size: 6 });
  const unit = h('select', { id: 'set-objectLock-unit' },
    h('option', { value: 'days', selected: !v.years }, 'days'), h('option', { value: 'years', selected: !!v.years }, 'years'));
  const apply = () => {
    if (!mode.value) return save({ enabled: true, mode: '' });
    const n = Math.round(+period.value);
    if (!(n > 0)) return say('The retention period must be a positive whole number.', 'error');
    return save({ enabled: true, mode: mode.value, days: unit.value === 'days' ? n : 0, years: unit.value === 'years' ? n : 0 });
  };
  out.push(h('div', { class: 'row' }, h('label', { for: 'set-objectLock' }, 'Default mode'), mode,
    h('label', { for: 'set-objectLock-period' }, 'Period'), period, unit,
    h('button', { type: 'button', id: 'save-objectlock', onclick: apply }, 'Save')),
  h('p', { class: 'muted' }, 'New versions get this retention unless the upload sets its own. COMPLIANCE retention cannot be shortened by anyone.'));
  return out;
}
