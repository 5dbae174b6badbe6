/**
 * One collection: its fields (collections/describe), indexes, and per shard the owner, epoch,
 * checkpoint, log end offset, lag and segments (status endpoint).
 */
import { ApiError, fetchStatus, milvus } from '../api.js';
import { ErrorBox, Table, html, useLoad } from '../components.js';
import { formatAgo, formatBytes, formatNumber, formatTime } from '../format.js';

async function loadCollection(db, name) {
  const describe = (await milvus('collections/describe', { dbName: db, collectionName: name })).data;
  let status = null;
  let statusError = null;
  try {
    status = (await fetchStatus({ dbName: db, collectionName: name })).databases[0]?.collections[0] ?? null;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    statusError = err;
  }
  return { describe, status, statusError };
}

function fieldParams(f) {
  return (f.params ?? []).map((p) => `${p.key}=${p.value}`).join(', ');
}

const yes = (b) => (b ? 'yes' : '');

const fieldColumns = [
  { key: 'name', label: 'Field' },
  { key: 'type', label: 'Type', render: (f) => (f.elementType ? `${f.type}<${f.elementType}>` : f.type) },
  { key: 'params', label: 'Params', render: fieldParams },
  { key: 'primaryKey', label: 'Primary', render: (f) => yes(f.primaryKey) },
  { key: 'autoId', label: 'Auto id', render: (f) => yes(f.autoId) },
  { key: 'nullable', label: 'Nullable', render: (f) => yes(f.nullable) },
  { key: 'partitionKey', label: 'Partition key', render: (f) => yes(f.partitionKey) },
  { key: 'description', label: 'Description' },
];

const indexColumns = [
  { key: 'indexName', label: 'Index' },
  { key: 'fieldName', label: 'Field' },
  { key: 'indexType', label: 'Type' },
  { key: 'metricType', label: 'Metric' },
];

const shardColumns = [
  { key: 'shard', label: 'Shard', className: 'num' },
  {
    key: 'owner',
    label: 'Owner',
    render: (s) => (s.owner ? html`<span title=${s.owner.processId}>${s.owner.processId.slice(0, 8)} (${s.owner.state})</span>` : '—'),
  },
  { key: 'epoch', label: 'Epoch', className: 'num' },
  { key: 'checkpoint', label: 'Checkpoint', className: 'num', render: (s) => formatNumber(s.checkpoint) },
  { key: 'logEndOffset', label: 'Log end', className: 'num', render: (s) => (s.logError ? html`<span title=${s.logError}>?</span>` : formatNumber(s.logEndOffset)) },
  { key: 'lag', label: 'Lag (msgs)', className: 'num', render: (s) => formatNumber(s.lag) },
  { key: 'segments', label: 'Segments', className: 'num', render: (s) => s.segments.length },
  { key: 'rows', label: 'Rows', className: 'num', render: (s) => formatNumber(s.segments.reduce((n, g) => n + g.rows, 0)) },
  { key: 'updatedAt', label: 'Published', render: (s) => formatAgo(s.updatedAt) },
];

const segmentColumns = [
  { key: 'shard', label: 'Shard', className: 'num' },
  { key: 'id', label: 'Segment', className: 'mono' },
  { key: 'kind', label: 'Kind' },
  { key: 'rows', label: 'Rows', className: 'num', render: (s) => formatNumber(s.rows) },
  { key: 'tombstones', label: 'Deletes', className: 'num', render: (s) => formatNumber(s.tombstones) },
  { key: 'bytes', label: 'Size', className: 'num', render: (s) => formatBytes(s.bytes) },
  { key: 'lsn', label: 'Offsets', className: 'num', render: (s) => `${s.lsnMin}–${s.lsnMax}` },
  { key: 'createdAt', label: 'Created', render: (s) => formatTime(s.createdAt) },
];

function Summary({ describe, status }) {
  return html`<dl class="summary">
    <dt>Id</dt><dd>${describe.collectionID}</dd>
    <dt>Load state</dt><dd data-testid="load-state">${(status?.loadState ?? describe.load ?? '').replace('LoadState', '')}</dd>
    <dt>Shards</dt><dd>${describe.shardsNum}</dd>
    <dt>Consistency</dt><dd>${describe.consistencyLevel}</dd>
    <dt>Stored rows</dt><dd>${formatNumber(status?.storedRows)}</dd>
    <dt>Live rows</dt><dd>${formatNumber(status?.liveRows)}</dd>
    <dt>Lag</dt><dd>${formatNumber(status?.lag)} msgs</dd>
    <dt>Partitions</dt><dd>${status ? status.partitions.join(', ') : describe.partitionsNum}</dd>
  </dl>`;
}

export function CollectionPage({ db, name }) {
  const { data, error, loading, reload } = useLoad(() => loadCollection(db, name), [db, name]);
  const status = data?.status;
  const segments = (status?.shards ?? []).flatMap((s) => s.segments.map((g) => ({ ...g, shard: s.shard })));
  const indexes = status?.indexes ?? (data?.describe.indexes ?? []).map((i) => ({ ...i, indexType: '' }));
  return html`<section>
    <div class="toolbar">
      <h1><a href=${`#/collections/${encodeURIComponent(db)}`}>${db}</a> / ${name}</h1>
      <button onClick=${reload} disabled=${loading}>Refresh</button>
      <a class="button" data-testid="search-link" href=${`#/search/${encodeURIComponent(db)}/${encodeURIComponent(name)}`}>Search</a>
    </div>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<p class="loading">Loading…</p>`}
    ${data && html`
      ${data.describe.description && html`<p>${data.describe.description}</p>`}
      <${Summary} describe=${data.describe} status=${status} />
      <h2>Fields</h2>
      <${Table} testId="fields-table" columns=${fieldColumns} rows=${data.describe.fields} rowKey=${(f) => f.name} />
      <h2>Indexes</h2>
      <${Table} testId="indexes-table" columns=${indexColumns} rows=${indexes} rowKey=${(i) => i.indexName} empty="No index." />
      <h2>Shards</h2>
      <${ErrorBox} error=${data.statusError} />
      ${status && html`<${Table} testId="shards-table" columns=${shardColumns} rows=${status.shards} rowKey=${(s) => s.shard} />`}
      <h2>Segments</h2>
      ${status && html`<${Table} testId="segments-table" columns=${segmentColumns} rows=${segments} rowKey=${(s) => `${s.shard}/${s.id}`}
        empty="No published segment yet." />`}
    `}
  </section>`;
}
