/**
 * The search playground: pick a collection, search by a vector (JSON) or by the vector stored
 * under a primary key, with an optional filter, limit, output fields and consistency level.
 * Requests are the Milvus REST calls a client would make (entities/get, entities/search); any
 * error is shown verbatim with its Milvus code.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, milvus } from '../api.js';
import { DatabaseSelect, ErrorBox, Table, html, useLoad } from '../components.js';
import { formatValue } from '../format.js';

const VECTOR_TYPES = ['FloatVector', 'Float16Vector', 'BFloat16Vector', 'BinaryVector', 'Int8Vector'];
const CONSISTENCY = ['Bounded', 'Strong', 'Session', 'Eventually'];

/** A client-side input problem, shown like an API error but without a code. */
function inputError(message) {
  return new ApiError(null, message, 0);
}

function parseVector(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw inputError(`vector: not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(value) || value.length === 0) throw inputError('vector: expected a JSON array of numbers, e.g. [0.1, 0.2, 0.3]');
  return value;
}

function parseId(text, pkType) {
  const trimmed = text.trim();
  if (trimmed === '') throw inputError('id: enter a primary key');
  if (pkType === 'Int64') {
    if (!/^-?\d+$/.test(trimmed)) throw inputError(`id: the primary key is Int64, got "${trimmed}"`);
    return Number(trimmed);
  }
  return trimmed;
}

async function runSearch(db, schema, form) {
  const pk = schema.fields.find((f) => f.primaryKey);
  const annsField = form.annsField;
  let vector;
  if (form.mode === 'id') {
    const id = parseId(form.id, pk?.type);
    const got = await milvus('entities/get', { dbName: db, collectionName: schema.collectionName, id: [id], outputFields: [annsField] });
    if (got.data.length === 0) throw inputError(`no entity with ${pk?.name ?? 'id'} ${form.id.trim()}`);
    vector = got.data[0][annsField];
  } else {
    vector = parseVector(form.vector);
  }
  const limit = Number(form.limit);
  const outputFields = form.outputFields.split(',').map((s) => s.trim()).filter(Boolean);
  const body = {
    dbName: db,
    collectionName: schema.collectionName,
    data: [vector],
    annsField,
    limit: Number.isFinite(limit) ? limit : form.limit,
    consistencyLevel: form.consistency,
    ...(form.filter.trim() ? { filter: form.filter.trim() } : {}),
    ...(outputFields.length > 0 ? { outputFields } : {}),
  };
  return (await milvus('entities/search', body)).data;
}

function ResultTable({ rows }) {
  const keys = [];
  for (const row of rows) for (const k of Object.keys(row)) if (k !== 'id' && k !== 'distance' && !keys.includes(k)) keys.push(k);
  const columns = [
    { key: 'rank', label: '#', className: 'num', render: (_, i) => i + 1 },
    { key: 'id', label: 'id', render: (r) => formatValue(r.id) },
    { key: 'distance', label: 'distance', className: 'num', render: (r) => formatValue(r.distance) },
    ...keys.map((k) => ({ key: k, label: k, render: (r) => formatValue(r[k]) })),
  ];
  return html`<${Table} testId="results-table" columns=${columns} rows=${rows} empty="No hits." />`;
}

export function SearchPage({ db, collection, navigate }) {
  const lists = useLoad(async () => ({
    databases: await milvus('databases/list', {}).then((r) => r.data, () => null),
    collections: (await milvus('collections/list', { dbName: db })).data,
  }), [db]);
  const schema = useLoad(
    async () => (collection ? (await milvus('collections/describe', { dbName: db, collectionName: collection })).data : null),
    [db, collection],
  );
  const vectorFields = (schema.data?.fields ?? []).filter((f) => VECTOR_TYPES.includes(f.type));
  const [form, setForm] = useState({ mode: 'vector', vector: '', id: '', filter: '', limit: '10', outputFields: '', consistency: 'Bounded', annsField: '' });
  const [result, setResult] = useState({ rows: null, error: null, running: false });
  const set = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.value });

  useEffect(() => {
    if (vectorFields.length > 0 && !vectorFields.some((f) => f.name === form.annsField)) setForm({ ...form, annsField: vectorFields[0].name });
  }, [schema.data]);

  const submit = async (e) => {
    e.preventDefault();
    setResult({ rows: null, error: null, running: true });
    try {
      setResult({ rows: await runSearch(db, schema.data, form), error: null, running: false });
    } catch (err) {
      setResult({ rows: null, error: err, running: false });
    }
  };

  return html`<section>
    <div class="toolbar">
      <h1>Search</h1>
      <${DatabaseSelect} databases=${lists.data?.databases} value=${db} onChange=${(d) => navigate(`#/search/${encodeURIComponent(d)}`)} />
      <label class="inline">Collection
        <select data-testid="collection-select" value=${collection ?? ''}
          onChange=${(e) => navigate(`#/search/${encodeURIComponent(db)}/${encodeURIComponent(e.currentTarget.value)}`)}>
          <option value="" disabled>choose…</option>
          ${(lists.data?.collections ?? []).map((c) => html`<option value=${c}>${c}</option>`)}
        </select>
      </label>
    </div>
    <${ErrorBox} error=${lists.error} />
    <${ErrorBox} error=${schema.error} />
    ${schema.data && html`<form class="search" onSubmit=${submit}>
      <fieldset class="mode">
        <label><input type="radio" name="mode" value="vector" checked=${form.mode === 'vector'} onChange=${set('mode')} /> by vector</label>
        <label><input type="radio" name="mode" value="id" checked=${form.mode === 'id'} onChange=${set('mode')} data-testid="mode-id" /> by primary key</label>
      </fieldset>
      ${form.mode === 'vector'
        ? html`<label>Vector (JSON array)<textarea data-testid="vector-input" rows="3" value=${form.vector} onInput=${set('vector')}
            placeholder="[0.1, 0.2, 0.3, 0.4]"></textarea></label>`
        : html`<label>Primary key<input data-testid="id-input" value=${form.id} onInput=${set('id')} /></label>`}
      <div class="row">
        <label>Vector field
          <select value=${form.annsField} onChange=${set('annsField')}>
            ${vectorFields.map((f) => html`<option value=${f.name}>${f.name}</option>`)}
          </select>
        </label>
        <label>Limit<input data-testid="limit-input" type="number" min="1" value=${form.limit} onInput=${set('limit')} /></label>
        <label>Consistency
          <select data-testid="consistency-select" value=${form.consistency} onChange=${set('consistency')}>
            ${CONSISTENCY.map((c) => html`<option value=${c}>${c}</option>`)}
          </select>
        </label>
      </div>
      <label>Filter<input data-testid="filter-input" value=${form.filter} onInput=${set('filter')} placeholder='color == "red" and price < 10' /></label>
      <label>Output fields (comma-separated)<input data-testid="output-input" value=${form.outputFields} onInput=${set('outputFields')}
        placeholder=${schema.data.fields.filter((f) => !VECTOR_TYPES.includes(f.type) && !f.primaryKey).map((f) => f.name).join(', ')} /></label>
      <button type="submit" disabled=${result.running} data-testid="search-button">${result.running ? 'Searching…' : 'Search'}</button>
    </form>`}
    <${ErrorBox} error=${result.error} />
    ${result.rows && html`<${ResultTable} rows=${result.rows} />`}
  </section>`;
}
