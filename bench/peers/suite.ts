/**
 * Suite `peers`: quiver over HTTP side by side with the databases users would pick instead
 * (Milvus Lite, Chroma, LanceDB) and two in-process libraries as references (usearch, the upper
 * limit, and faiss), in one run on one machine, over real and synthetic datasets. Installs what it
 * needs into bench/.cache/peers, measures every system on every dataset (sweep.ts), renders the
 * recall-vs-QPS charts and reports the targets as met / not met. Whatever cannot be installed or
 * run is reported with its reason; the rest still runs.
 */
import { basename, relative } from 'node:path';
import { loadavg } from 'node:os';
import { REPO_ROOT, errorLine, nowMs, runEnvironment } from '../measure.ts';
import type { ParamValue, SuiteOptions, SuiteResult } from '../run-suite.ts';
import { renderCharts } from './charts.ts';
import { loadPeerDataset } from './data/load.ts';
import { peersParams } from './params.ts';
import { lifecycleNotes } from './lifecycle-report.ts';
import { methodNotes, reportTables, resultRows, type DatasetStatus } from './report.ts';
import { measureSystem, type SystemRun } from './sweep.ts';
import { setupSystems } from './systems/setup.ts';
import { verdictLine, verdictsFor } from './verdicts.ts';

const message = (err: unknown) => errorLine(err);

/** Runs the suite end to end. */
export async function runPeersSuite(o: SuiteOptions): Promise<SuiteResult> {
  const out = o.log ?? ((s: string) => console.log(s));
  const p = peersParams(o);
  const env = await runEnvironment();
  const started = nowMs();
  const elapsed = () => `${((nowMs() - started) / 1000).toFixed(0)} s`;
  const log = (s: string) => out(`[${elapsed().padStart(6)}] ${s}`);
  log(`peers: datasets ${p.datasets.join(', ')}; systems ${p.systems.join(', ')}${p.quick ? ' (quick)' : ''}`);
  const setup = await setupSystems(p, log);
  for (const u of setup.unavailable) log(`peers: ${u.system} NOT AVAILABLE: ${u.reason}`);
  const installSeconds = setup.installs.reduce((s, i) => s + i.seconds, 0);
  log(`peers: systems ready after ${elapsed()} (${setup.systems.map((s) => s.name).join(', ')})`);
  const runs: SystemRun[] = [];
  const datasets: DatasetStatus[] = [];
  const titles: Record<string, string> = {};
  try {
    const overBudget = () => (nowMs() - started) / 1000 > p.budgetSeconds;
    const skipped = `skipped: the run's time budget (${p.budgetSeconds} s) was used up`;
    for (const name of p.datasets) {
      if (overBudget()) {
        log(`peers: dataset ${name} ${skipped}`);
        datasets.push({ name, rows: null, dim: null, metric: null, source: null, error: skipped, notes: [] });
        continue;
      }
      let data;
      try {
        data = await loadPeerDataset(name, p, log);
      } catch (err) {
        log(`peers: dataset ${name} NOT AVAILABLE: ${message(err)}`);
        datasets.push({ name, rows: null, dim: null, metric: null, source: null, error: message(err), notes: [] });
        continue;
      }
      const { rows, dim } = data.ds.spec;
      datasets.push({ name, rows, dim, metric: data.metric, source: data.source, error: null, notes: data.notes });
      titles[name] = `${name}: ${rows.toLocaleString('en-US')} × ${dim}-d, ${data.metric}`;
      for (const sys of setup.systems) {
        if (overBudget()) {
          log(`peers: ${sys.name} on ${name} ${skipped}`);
          runs.push({ system: sys.name, version: sys.version, dataset: name, rows, dim, load: null, points: [], errors: [skipped] });
          continue;
        }
        // Quick runs check the lifecycle measures once, on the first dataset, to stay short.
        const first = datasets.filter((d) => !d.error).length === 1;
        runs.push(await measureSystem(sys, data, p, log, p.quick && !first ? 'quick runs take it on the first dataset only' : undefined));
        log(`peers: ${sys.name} on ${name} done at ${elapsed()}`);
      }
    }
  } finally {
    await Promise.all(setup.systems.map((s) => s.close().catch(() => undefined)));
  }
  const notes: string[] = [];
  for (const u of setup.unavailable) notes.push(`- **${u.system} was not available:** ${u.reason}`);
  for (const d of datasets.filter((x) => x.error)) notes.push(`- **dataset ${d.name} was not available:** ${d.error}`);
  for (const r of runs.filter((x) => x.errors.length)) notes.push(`- ${r.system} on ${r.dataset}: ${r.errors.join('; ')}`);
  const subtitle = `${env.cores} cores, ${env.memory_gb} GiB, ${env.date.slice(0, 10)}${p.quick ? ' (quick run: not a measurement)' : ''}`;
  if (setup.python && setup.charts) {
    try {
      const files = await renderCharts(setup.python, runs, titles, subtitle, p.chartDir);
      log(`peers: charts written: ${files.map((f) => relative(REPO_ROOT, f)).join(', ')}`);
      const alt = (f: string) => `recall@10 vs QPS, ${basename(f, '.png').replace(/^peers-/, '')}`;
      if (!p.quick) notes.push(...files.map((f) => `- Chart: ![${alt(f)}](${relative(REPO_ROOT, f)})`));
    } catch (err) {
      notes.push(`- **charts were not rendered:** ${message(err)}`);
    }
  } else {
    notes.push('- **charts were not rendered:** matplotlib is not available (the peers\' Python environment failed to install)');
  }
  const verdicts = datasets.filter((d) => !d.error).flatMap((d) => verdictsFor(d.name, runs.filter((r) => r.dataset === d.name), p.clients));
  notes.push('', '**Targets** (quiver over HTTP; peer databases are Milvus Lite, Chroma and LanceDB):', '', ...verdicts.map(verdictLine), '');
  for (const d of datasets.filter((x) => !x.error)) notes.push(`- ${d.name}: ${d.source}; ${d.notes.join('; ')}.`);
  notes.push(...methodNotes(p), ...lifecycleNotes(runs, p));
  notes.push(`- Wall time of this run: ${elapsed()}, of which ${installSeconds.toFixed(0)} s installing Python packages; load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' / ')}.`);
  const versions = [...new Map(runs.map((r) => [r.system, `${r.system} ${r.version}`])).values()].join('; ');
  const params: Record<string, ParamValue> = {
    datasets: datasets.map((d) => (d.rows ? `${d.name} (${d.rows} rows)` : `${d.name} (missing)`)).join(', '),
    systems: versions, queries: p.queries, k: p.k, M: p.hnsw.M, efConstruction: p.hnsw.efConstruction, clients: p.clients.join('/'),
    max_run_s: p.maxRunSeconds, sweep_cap_s: p.sweepSeconds, quick: p.quick,
  };
  return {
    suite: 'peers',
    title: 'peers: quiver vs Milvus Lite, Chroma, LanceDB, faiss and raw usearch',
    env,
    params,
    rows: resultRows(runs, datasets, env, p),
    tables: reportTables(runs, datasets, setup.unavailable, p),
    notes,
    publishable: !p.quick,
  };
}
