/**
 * Renders the recall-vs-QPS charts (one PNG per dataset, every system, 1 client solid and more
 * clients dashed) with matplotlib from the peers' Python environment (python/charts.py).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './python-env.ts';
import type { SystemRun } from './sweep.ts';

/** Writes the charts into `outDir`; returns the files written. Throws with the renderer's error. */
export async function renderCharts(python: string, runs: SystemRun[], titles: Record<string, string>, subtitle: string, outDir: string): Promise<string[]> {
  const datasets: Record<string, { title: string; series: { system: string; clients: number; points: [number, number][] }[] }> = {};
  for (const r of runs) {
    const unfiltered = r.points.filter((x) => x.filter === null);
    if (unfiltered.length === 0) continue;
    const entry = (datasets[r.dataset] ??= { title: titles[r.dataset] ?? r.dataset, series: [] });
    for (const clients of [...new Set(unfiltered.map((x) => x.clients))].sort((a, b) => a - b)) {
      const points = unfiltered.filter((x) => x.clients === clients).map((x): [number, number] => [x.recall, x.summary.qps]);
      entry.series.push({ system: r.system, clients, points });
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'quiver-peers-charts-'));
  try {
    const input = join(dir, 'charts.json');
    await writeFile(input, JSON.stringify({ subtitle, datasets }));
    const res = await run(python, [join(import.meta.dirname, 'python', 'charts.py'), input, outDir], { MPLBACKEND: 'Agg' });
    if (res.code !== 0) throw new Error(res.output.trim().split('\n').slice(-3).join(' | '));
    return res.output.trim().split('\n').filter((l) => l.endsWith('.png'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
