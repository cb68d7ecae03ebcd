// Archived objects in the console: the restore state of a GLACIER or
// DEEP_ARCHIVE object in its details pane, and a form that asks for a
// restore (RestoreObject). Helpers come from app.js.

import { h, api, run, say } from './app.js';

const archiveClasses = ['GLACIER', 'DEEP_ARCHIVE'];

// restoreState says in words what x-amz-restore says.
export function restoreState(d) {
  if (!archiveClasses.includes(d.storageClass)) return '';
  const r = d.restore || '';
  if (r.includes('ongoing-request="true"')) return 'Restore in progress';
  const m = r.match(/expiry-date="([^"]+)"/);
  if (m) return 'Restored until ' + new Date(m[1]).toLocaleString();
  return 'Archived (restore to read)';
}

// restoreSection is the restore form of an archived object; null for
// other classes and while a restore runs. refresh reloads the pane.
export function restoreSection(bucket, key, versionId, d, refresh) {
  if (!archiveClasses.includes(d.storageClass) || (d.restore || '').includes('ongoing-request="true"')) return null;
  const days = h('input', { type: 'number', id: 'restore-days', min: 1, max: 3650, value: 7, 'aria-label': 'Days the restored copy stays' });
  const tier = h('select', { id: 'restore-tier', 'aria-label': 'Retrieval tier' },
    ...['Standard', 'Expedited', 'Bulk'].map((t) => h('option', { value: t }, t)));
  const go = h('button', { type: 'button', id: 'restore-archived' }, d.restore ? 'Extend restore' : 'Restore');
  go.addEventListener('click', async () => {
    const r = await run(() => api('POST', 'objects/archive-restore', { bucket, key, versionId, days: +days.value, tier: tier.value }));
    if (!r) return;
    say('Restore of ' + key + ' requested.', 'ok');
    refresh();
  });
  return h('div', {}, h('h2', {}, 'Restore'),
    h('div', { class: 'row' }, h('label', { for: 'restore-days' }, 'Days'), days, tier, go));
}
