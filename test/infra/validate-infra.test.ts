/**
 * scripts/validate-infra.sh accepts the repository's Dockerfile, compose stack and Helm chart,
 * and rejects copies broken in the ways it exists to catch: a root or health-less image, a
 * baked-in secret, a compose file off the compose spec or pointing at missing files and volumes,
 * values off the chart's schema, and a manifest field Kubernetes does not know.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { copyOfRepo, missingTools, validateInfra } from './infra-tools.ts';

const skip = missingTools();
const scratch: string[] = [];
after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of `paths` with `file` (inside the copy) edited by `edit`; returns the copy's root. */
function broken(paths: string[], file: string, edit: (text: string) => string): string {
  const dir = copyOfRepo(paths);
  scratch.push(dir);
  const target = join(dir, file);
  const before = readFileSync(target, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, `the edit of ${file} changed nothing`);
  writeFileSync(target, after);
  return dir;
}

function assertFails(args: string[], expected: RegExp): void {
  const r = validateInfra(args);
  assert.notEqual(r.status, 0, `expected a failure:\n${r.output}`);
  assert.match(r.output, expected);
}

function assertPasses(args: string[]): void {
  const r = validateInfra(args);
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /validate-infra: ok/);
}

describe('validate-infra: Dockerfile', { skip }, () => {
  it('accepts the repository Dockerfile', () => assertPasses(['--only', 'dockerfile']));

  it('rejects an image that runs as root', () => {
    const dir = broken(['Dockerfile'], 'Dockerfile', (t) => t.replace(/^USER .*$/m, 'USER root'));
    assertFails(['--only', 'dockerfile', '--dockerfile', join(dir, 'Dockerfile')], /non-root USER/);
  });

  it('rejects an image without a health check and with a baked-in secret', () => {
    const dir = broken(['Dockerfile'], 'Dockerfile', (t) =>
      t.replace(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, 'ENV QUIVER_S3_SECRET_ACCESS_KEY=hunter2\n'),
    );
    const r = validateInfra(['--only', 'dockerfile', '--dockerfile', join(dir, 'Dockerfile')]);
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /needs a HEALTHCHECK/);
    assert.match(r.output, /QUIVER_S3_SECRET_ACCESS_KEY: secrets must not be baked/);
  });
});

describe('validate-infra: compose stack', { skip }, () => {
  const tree = ['infra/compose', 'infra/prometheus', 'infra/grafana'];
  const composeIn = (dir: string) => join(dir, 'infra/compose/docker-compose.yml');

  it('accepts the repository stack', () => assertPasses(['--only', 'compose']));

  it('rejects a key the compose spec does not have', () => {
    const dir = broken(tree, 'infra/compose/docker-compose.yml', (t) => t.replace(/^ {2}redis:\n/m, '  redis:\n    restart_policy: always\n'));
    assertFails(['--only', 'compose', '--compose', composeIn(dir)], /restart_policy/);
  });

  it('rejects a missing env file and an undeclared volume', () => {
    const dir = broken(tree, 'infra/compose/docker-compose.yml', (t) =>
      t.replace('path: redis.env.example', 'path: redis-missing.env').replace('- redis-data:/data', '- redis-state:/data'),
    );
    const r = validateInfra(['--only', 'compose', '--compose', composeIn(dir)]);
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /redis-missing\.env does not exist/);
    assert.match(r.output, /named volume redis-state is not declared/);
  });
});

describe('validate-infra: Helm chart', { skip }, () => {
  const chartIn = (dir: string) => join(dir, 'infra/helm/quiver');

  it('accepts the repository chart with default and external-backend values', () => assertPasses(['--only', 'helm']));

  it('rejects values off the chart schema', () => {
    const dir = broken(['infra/helm'], 'infra/helm/quiver/values.yaml', (t) => t.replace('protocol: plaintext', 'protocol: tls'));
    assertFails(['--only', 'helm', '--chart', chartIn(dir)], /protocol/);
  });

  it('rejects a manifest field Kubernetes does not know (kubeconform -strict)', () => {
    const file = 'infra/helm/quiver/templates/indexer-deployment.yaml';
    const dir = broken(['infra/helm'], file, (t) => t.replace('terminationGracePeriodSeconds:', 'terminationGracePeriod:'));
    assertFails(['--only', 'helm', '--chart', chartIn(dir)], /terminationGracePeriod/);
  });
});
