/**
 * The benchmark suites by name, and running one: measure, then record the result as a Markdown
 * section (BENCHMARKS.md by default) and as JSON rows (bench/results/<suite>.json by default).
 */
import { join } from 'node:path';
import { REPO_ROOT } from './machine.ts';
import { writeJsonResults, writeMarkdownSection } from './report.ts';
import { runStandaloneSuite } from './suites/standalone.ts';
import type { SuiteOptions, SuiteResult } from './types.ts';

/** A named suite. */
export interface Suite {
  description: string;
  run(options: SuiteOptions): Promise<SuiteResult>;
}

/** Every suite, by the name used on the command line. */
export const SUITES: Readonly<Record<string, Suite>> = Object.freeze({
  standalone: {
    description: 'quiver standalone over HTTP vs in-process usearch: ingest, recall, QPS, latency',
    run: runStandaloneSuite,
  },
});

/** Thrown for an unknown suite name or bad options (a usage error, not a failed measurement). */
export class UsageError extends Error {}

/** Where a run's results go. */
export interface RunSuiteOptions extends SuiteOptions {
  /**
   * Markdown file whose section for the suite is replaced. Default: BENCHMARKS.md at the repository
   * root for full runs; quick and profiled runs write nothing unless a path is given, so they never
   * overwrite published numbers. null: do not write.
   */
  markdownPath?: string | null;
  /** JSON results file; same defaults as markdownPath, with bench/results/<suite>.json. */
  jsonPath?: string | null;
}

/** Default output paths of a suite. */
export function defaultOutputs(suite: string): { markdownPath: string; jsonPath: string } {
  return { markdownPath: join(REPO_ROOT, 'BENCHMARKS.md'), jsonPath: join(REPO_ROOT, 'bench', 'results', `${suite}.json`) };
}

/** Runs suite `name` and writes its results; returns them along with where they were written. */
export async function runSuite(name: string, options: RunSuiteOptions = {}): Promise<SuiteResult & { written: string[] }> {
  const suite = Object.hasOwn(SUITES, name) ? SUITES[name] : undefined;
  if (!suite) throw new UsageError(`unknown suite "${name}" (available: ${Object.keys(SUITES).join(', ')})`);
  for (const key of ['rows', 'dim', 'queries'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UsageError(`${key} must be a positive integer, got ${v}`);
  }
  const result = await suite.run(options);
  const defaults = result.publishable ? defaultOutputs(name) : { markdownPath: null, jsonPath: null };
  const markdownPath = options.markdownPath === undefined ? defaults.markdownPath : options.markdownPath;
  const jsonPath = options.jsonPath === undefined ? defaults.jsonPath : options.jsonPath;
  const written: string[] = [];
  if (markdownPath) {
    await writeMarkdownSection(markdownPath, result);
    written.push(markdownPath);
  }
  if (jsonPath) {
    await writeJsonResults(jsonPath, result);
    written.push(jsonPath);
  }
  return { ...result, written };
}
