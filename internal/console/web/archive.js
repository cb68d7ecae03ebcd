// Archived objects in the console: the restore state of a GLACIER or
// DEEP_ARCHIVE object, or of an INTELLIGENT_TIERING one in an archive
// tier (x-amz-archive-status), in its details pane, and a form that asks
// for a restore (RestoreObject). Helpers come from app.js.

import { h, api, run, say } from './app.js';

const archiveClasses = ['GLACIER', 'DEEP_ARCHIVE'];

const tierNames = { ARCHIVE_ACCESS: 'Archive Access', DEEP_ARCHIVE_ACCESS: 'Deep Archive Access' };

const ongoing = (d) => (d.restore || '').includes('ongoing-request="true"');

// restoreState says in words what x-amz-restore and x-amz-archive-status say.
export function restoreState(d) {
  if (d.archiveStatus) {
    const tier = tierNames[d.archiveStatus] || d.archiveStatus;
    return ongoing(d) ? 'Restore from ' + tier + ' in progress' : 'Archived in ' + tier + ' (restore to read)';
  }
  if (!archiveClasses.includes(d.storageClass)) return '';
  const r = d.restore || '';
  if (ongoing(d)) return 'Restore in progress';
  const m = r.match(/expiry-date="([^"]+)"/);
  if (m) return 'Restored until ' + new Date(m[1]).toLocaleString();
  return 'Archived (restore to read)';
}

// restoreSection is the restore form of an archived object; null for
// other objects and while a restore runs. An INTELLIGENT_TIERING object
// takes no Days: it goes back to the frequent tier for good. refresh
// reloads the pane.
export function restoreSection(bucket, key, versionId, d, refresh) {
  const it = !!d.archiveStatus;
  if ((!it && !archiveClasses.includes(d.storageClass)) || ongoing(d)) return null;
  const days = h('input', { type: 'number', id: 'restore-days', min: 1, max: 3650, value: 7, 'aria-label': 'Days the restored copy stays' });
  const tier = h('select', { id: 'restore-tier', 'aria-label': 'Retrieval tier' },
    ...(it ? ['Standard', 'Bulk'] : ['Standard', 'Expedited', 'Bulk']).map((t) => h('option', { value: t }, t)));
  const go = h('button', { type: 'button', id: 'restore-archived' }, d.restore ? 'Extend restore' : 'Restore');
  go.addEventListener('click', async () => {
    const r = await run(() => api('POST', 'objects/archive-restore', { bucket, key, versionId, days: it ? 0 : +days.value, tier: tier.value }));
    if (!r) return;
    say('Restore of ' + key + ' requested.', 'ok');
    refresh();
  });
  const fields = it ? [h('label', { for: 'restore-tier' }, 'Back to the frequent tier'), tier, go]
    : [h('label', { for: 'restore-days' }, 'Days'), days, tier, go];
  return h('div', {}, h('h2', {}, 'Restore'), h('div', { class: 'row' }, ...fields));
}
