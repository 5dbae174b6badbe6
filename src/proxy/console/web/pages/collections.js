/**
 * The collections of a database: names from collections/list (what any user allowed to list
 * sees), enriched with load state, rows, shards, segments and lag from the status endpoint
 * (which needs cluster read access; without it the table shows the names and the error).
 */
import { ApiError, fetchStatus, milvus } from '../api.js';
import { DatabaseSelect, ErrorBox, Table, html, useLoad } from '../components.js';
import { formatNumber, formatTime } from '../format.js';

async function loadCollections(db) {
  const [databases, names] = await Promise.all([
    milvus('databases/list', {}).then((r) => r.data, () => null),
    milvus('collections/list', { dbName: db }).then((r) => r.data),
  ]);
  let statusError = null;
  let byName = new Map();
  try {
    const status = await fetchStatus({ dbName: db });
    byName = new Map((status.databases[0]?.collections ?? []).map((c) => [c.name, c]));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    statusError = err;
  }
  return { databases, rows: names.map((name) => ({ name, status: byName.get(name) ?? null })), statusError };
}

function segmentCounts(c) {
  const segments = c.shards.flatMap((s) => s.segments);
  const hnsw = segments.filter((s) => s.kind === 'hnsw').length;
  return `${segments.length} (${segments.length - hnsw} flat, ${hnsw} hnsw)`;
}

export function CollectionsPage({ db, navigate }) {
  const { data, error, loading, reload } = useLoad(() => loadCollections(db), [db]);
  const st = (render) => (row) => (row.status ? render(row.status) : '—');
  const columns = [
    {
      key: 'name',
      label: 'Collection',
      render: (row) => html`<a href=${`#/collection/${encodeURIComponent(db)}/${encodeURIComponent(row.name)}`}>${row.name}</a>`,
    },
    { key: 'load', label: 'Load state', render: st((c) => c.loadState.replace('LoadState', '')) },
    { key: 'stored', label: 'Stored rows', className: 'num', render: st((c) => formatNumber(c.storedRows)) },
    { key: 'live', label: 'Live rows', className: 'num', render: st((c) => formatNumber(c.liveRows)) },
    { key: 'shards', label: 'Shards', className: 'num', render: st((c) => c.shardsNum) },
    { key: 'segments', label: 'Segments', render: st(segmentCounts) },
    { key: 'lag', label: 'Lag (msgs)', className: 'num', render: st((c) => formatNumber(c.lag)) },
    { key: 'created', label: 'Created', render: st((c) => formatTime(c.createdAt)) },
  ];
  return html`<section>
    <div class="toolbar">
      <h1>Collections</h1>
      <${DatabaseSelect} databases=${data?.databases} value=${db} onChange=${(d) => navigate(`#/collections/${encodeURIComponent(d)}`)} />
      <button onClick=${reload} disabled=${loading}>Refresh</button>
    </div>
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${data?.statusError} />
    ${data && html`<${Table} testId="collections-table" columns=${columns} rows=${data.rows} rowKey=${(r) => r.name}
      empty=${`No collections in database ${db}.`} />`}
    ${loading && !data && html`<p class="loading">Loading…</p>`}
  </section>`;
}
