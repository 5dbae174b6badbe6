/** Shared pieces of the pages: the htm binding, tables, error boxes and a data-loading hook. */
import { h } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

/** An error as the API gave it: "code <n>: <message>" verbatim. */
export function ErrorBox({ error }) {
  if (!error) return null;
  const code = error.code === null || error.code === undefined ? '' : `code ${error.code}: `;
  return html`<div class="error" role="alert">${code}${error.message}</div>`;
}

/**
 * A table. `columns`: [{key, label, render?(row), className?}]; `rows`: objects; `rowKey(row)`.
 */
export function Table({ columns, rows, rowKey, empty = 'Nothing to show.', testId }) {
  if (!rows || rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table data-testid=${testId}>
    <thead><tr>${columns.map((c) => html`<th class=${c.className ?? ''}>${c.label}</th>`)}</tr></thead>
    <tbody>
      ${rows.map(
        (row, i) => html`<tr key=${rowKey ? rowKey(row) : i}>
          ${columns.map((c) => html`<td class=${c.className ?? ''}>${c.render ? c.render(row, i) : row[c.key]}</td>`)}
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * Runs `load()` now and whenever `deps` change; `reload()` runs it again. A result that arrives
 * after a newer load started is dropped, so a slow answer never overwrites a newer one.
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error) => current && setState({ data: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** A select of the server's databases; calls onChange(name). */
export function DatabaseSelect({ databases, value, onChange }) {
  return html`<label class="inline">Database
    <select value=${value} onChange=${(e) => onChange(e.currentTarget.value)} data-testid="database-select">
      ${(databases ?? [value]).map((d) => html`<option value=${d}>${d}</option>`)}
    </select>
  </label>`;
}
