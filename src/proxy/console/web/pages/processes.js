/** The live processes (proxies, indexers, standalone servers) from their heartbeat records. */
import { fetchStatus } from '../api.js';
import { ErrorBox, Table, html, useLoad } from '../components.js';
import { formatAgo, formatTime } from '../format.js';

export function ProcessesPage() {
  const { data, error, loading, reload } = useLoad(async () => ({ status: await fetchStatus(), at: Date.now() }), []);
  const columns = [
    { key: 'role', label: 'Role' },
    { key: 'id', label: 'Id', className: 'mono' },
    { key: 'host', label: 'Host' },
    { key: 'pid', label: 'Pid', className: 'num' },
    { key: 'version', label: 'Version' },
    { key: 'address', label: 'Address', render: (p) => (p.address ? html`<a href=${p.address}>${p.address}</a>` : '—') },
    { key: 'startedAt', label: 'Started', render: (p) => formatTime(p.startedAt) },
    { key: 'lastHeartbeat', label: 'Last heartbeat', render: (p) => formatAgo(p.lastHeartbeat, data.at) },
  ];
  return html`<section>
    <div class="toolbar">
      <h1>Processes</h1>
      <button onClick=${reload} disabled=${loading}>Refresh</button>
    </div>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<p class="loading">Loading…</p>`}
    ${data && html`<${Table} testId="processes-table" columns=${columns} rows=${data.status.processes} rowKey=${(p) => p.id}
      empty="No live process has registered." />`}
  </section>`;
}
