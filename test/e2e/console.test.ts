/**
 * The web console in a real headless Chromium against a real standalone server: the collection
 * appears in the list, its page shows fields and segments, the search playground finds the
 * expected top hit by vector and by primary key and shows an API error verbatim, the process
 * list shows the server. The page must load without console errors, failed or HTTP-error
 * requests, and without asking any other origin. Screenshots are kept under .cache/. With auth
 * on, the console shows the 1800 error until a token is entered, then the data.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking switches Chromium dials out and the closed network refuses it. */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', '.cache', 'screenshots');
const DIM = 4;
const COLLECTION = `console_e2e_${process.pid}`;
const COLORS = ['red', 'green', 'blue'];
/** Row i's vector: distinct directions, so a row's own vector finds it first under COSINE. */
const vec = (i: number) => Array.from({ length: DIM }, (_, k) => Number(Math.sin(1 + i * 1.7 + k * 0.9).toFixed(4)));
const ROWS = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, vector: vec(i + 1), color: COLORS[i % 3] }));

/** Saves a full-page screenshot under .cache/screenshots and checks it is a PNG showing something. */
async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const png = await readFile(file);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.ok(png.length > 10_000, `screenshot ${name} of ${png.length} bytes is too small to show the page`);
}

describe('web console in headless Chromium', () => {
  let dir = '';
  let server: StandaloneProcess;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-console-e2e-'));
    server = await startStandaloneProcess(join(dir, 'data'));
    const created = await milvus(server.url, 'collections/create', { collectionName: COLLECTION, dimension: DIM, description: 'console test rows' });
    assert.equal(created.code, 0, JSON.stringify(created));
    const inserted = await milvus(server.url, 'entities/insert', { collectionName: COLLECTION, data: ROWS });
    assert.equal(inserted.code, 0, JSON.stringify(inserted));
    // Strong: the answer waits until the rows are in a published segment, so the console sees them.
    const count = await milvus(server.url, 'entities/query', { collectionName: COLLECTION, filter: 'id > 0', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
    assert.equal(count.data?.[0]?.['count(*)'], ROWS.length, JSON.stringify(count));

    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) problems.push(`request to another origin: ${r.url()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
  });

  after(async () => {
    await context?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists the collection and shows its fields and segments', async () => {
    await page.goto(`${server.url}/console`);
    const link = page.getByTestId('collections-table').getByRole('link', { name: COLLECTION });
    await link.waitFor();
    const row = page.getByTestId('collections-table').locator('tbody tr', { hasText: COLLECTION });
    assert.match(await row.innerText(), /Loaded/);
    await link.click();

    const fields = page.getByTestId('fields-table');
    await fields.waitFor();
    const fieldText = await fields.innerText();
    assert.match(fieldText, /\bid\b[\s\S]*Int64/);
    assert.match(fieldText, /vector[\s\S]*FloatVector[\s\S]*dim=4/);
    const segments = page.getByTestId('segments-table');
    await segments.waitFor();
    const segmentRows = segments.locator('tbody tr');
    assert.ok((await segmentRows.count()) >= 1);
    assert.match(await segmentRows.first().innerText(), /flat|hnsw/);
    const storedRows = (await page.getByTestId('shards-table').locator('tbody tr').allInnerTexts()).join('\n');
    assert.match(storedRows, /\b30\b/, 'the shard holds the 30 rows');
    assert.equal(await page.locator('#root .loading').count(), 0, 'nothing left loading');
    await screenshot(page, 'console-collection');
  });

  it('searches by vector and by primary key, and shows API errors verbatim', async () => {
    await page.getByTestId('search-link').click();
    await page.getByTestId('vector-input').waitFor();
    assert.equal(await page.getByTestId('collection-select').inputValue(), COLLECTION);

    const target = ROWS[16];
    await page.getByTestId('vector-input').fill(JSON.stringify(target.vector));
    await page.getByTestId('limit-input').fill('5');
    await page.getByTestId('output-input').fill('color');
    await page.getByTestId('consistency-select').selectOption('Strong');
    await page.getByTestId('search-button').click();
    const results = page.getByTestId('results-table');
    await results.waitFor();
    const firstRow = results.locator('tbody tr').first();
    const cells = await firstRow.locator('td').allInnerTexts();
    assert.equal(cells[1], String(target.id), `top hit: ${cells.join(' | ')}`);
    assert.equal(cells[3], target.color);
    assert.equal(await results.locator('tbody tr').count(), 5);

    // By primary key (the stored vector of that row), filtered on its color: the row itself comes
    // first and every hit has that color.
    await page.getByTestId('mode-id').check();
    await page.getByTestId('id-input').fill(String(target.id));
    await page.getByTestId('filter-input').fill(`color == "${target.color}"`);
    await page.getByTestId('search-button').click();
    // Wait for the new table: the previous one (by vector) mixed colors. (A string predicate:
    // it runs in the page, where the DOM types this file does not compile against exist.)
    const colorCells = '[data-testid="results-table"] tbody tr td:nth-child(4)';
    await page.waitForFunction(
      `(() => { const c = [...document.querySelectorAll('${colorCells}')].map((td) => td.textContent);
        return c.length > 0 && c.every((x) => x === ${JSON.stringify(target.color)}); })()`,
    );
    const colors = await results.locator('tbody tr td:nth-child(4)').allInnerTexts();
    assert.ok(colors.length > 0 && colors.every((c) => c === target.color), colors.join(','));
    assert.equal((await results.locator('tbody tr td:nth-child(2)').first().innerText()), String(target.id));

    // A bad filter: the server's Milvus code and message, as they came.
    await page.getByTestId('filter-input').fill('color ==');
    await page.getByTestId('search-button').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /^code 1100: .+/);

    await page.getByTestId('filter-input').fill('');
    await page.getByTestId('search-button').click();
    await results.waitFor();
    await screenshot(page, 'console-search');
  });

  it('lists the standalone server among the processes', async () => {
    await page.getByRole('link', { name: 'Processes' }).click();
    const table = page.getByTestId('processes-table');
    await table.waitFor();
    const text = await table.innerText();
    assert.match(text, /standalone/);
    assert.match(text, new RegExp(`\\b${server.child.pid}\\b`));
    await screenshot(page, 'console-processes');
  });

  it('loaded every page without errors, failed requests or other origins', () => {
    assert.deepEqual(problems, []);
  });
});

describe('web console with auth on', () => {
  const password = 'console-Root-1';
  let dir = '';
  let server: StandaloneProcess;
  let context: BrowserContext;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-console-auth-e2e-'));
    server = await startStandaloneProcess(join(dir, 'data'), {
      QUIVER_AUTH_ENABLED: 'true',
      QUIVER_AUTH_ROOT_PASSWORD: password,
      QUIVER_AUTH_PASSWORD_HASH_ITERATIONS: '20000',
    });
    const created = await milvus(server.url, 'collections/create', { collectionName: COLLECTION, dimension: DIM }, { authorization: `Bearer root:${password}` });
    assert.equal(created.code, 0, JSON.stringify(created));
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async () => {
    await context?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the authentication error, then the data once a token is given, kept for the tab', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/console`);
    const alert = page.getByRole('alert').first();
    await alert.waitFor();
    assert.match(await alert.innerText(), /^code 1800: /);

    await page.getByTestId('token-input').fill(`root:${password}`);
    await page.getByRole('button', { name: 'Use' }).click();
    await page.getByTestId('collections-table').getByRole('link', { name: COLLECTION }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);

    // The token lives in sessionStorage: a reload keeps it.
    await page.reload();
    await page.getByTestId('collections-table').getByRole('link', { name: COLLECTION }).waitFor();
  });
});
