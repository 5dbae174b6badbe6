/**
 * The Helm chart (infra/helm/quiver) against quiver itself: the quiver.yaml of its ConfigMap plus
 * the environment its containers get pass quiver's own config loader as a cluster, with default
 * values and with the external-backends values; credentials reach the containers only from the
 * Secret; the ports, probes and mounts the manifests name agree with what the processes use.
 * Renders with the helm binary cached by scripts/validate-infra.sh (skipped until it ran).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ENV_KEYS, loadConfig } from '../../src/shared/config/load.ts';
import { unsharedBackends } from '../../src/shared/runtime/open-ports.ts';
import { helmBin, missingTools, repoRoot } from './infra-tools.ts';

const skip = missingTools();
const chart = join(repoRoot, 'infra/helm/quiver');
const scratch = mkdtempSync(join(tmpdir(), 'quiver-helm-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  // Kubernetes objects; their shape is kubeconform's business, these tests read a few fields.
  spec?: any;
}

interface Probe {
  httpGet: { path: string; port: string };
}

interface Container {
  args: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } }[];
  ports: { name: string; containerPort: number }[];
  volumeMounts: { name: string; mountPath: string }[];
  securityContext: { readOnlyRootFilesystem?: boolean };
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
}

function render(valuesFiles: string[], sets: string[] = []): Manifest[] {
  const args = ['template', 'quiver', chart, '--namespace', 'quiver', '--kube-version', '1.37.0'];
  for (const f of valuesFiles) args.push('-f', f);
  for (const s of sets) args.push('--set', s);
  const out = execFileSync(helmBin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

const one = (ms: Manifest[], kind: string, suffix = '') => {
  const m = ms.find((x) => x.kind === kind && x.metadata.name.endsWith(suffix));
  assert.ok(m, `no ${kind} *${suffix}`);
  return m;
};

/** The environment quiver sees in a container: literal values, and Secret keys from `secret`. */
function containerEnv(container: Container, secret: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env) {
    if (e.value !== undefined) env[e.name] = e.value;
    const key = e.valueFrom?.secretKeyRef?.key;
    if (key !== undefined && secret[key] !== undefined) env[e.name] = secret[key];
  }
  return env;
}

function checkRole(ms: Manifest[], role: 'proxy' | 'indexer', secret: Record<string, string>) {
  const file = join(scratch, `quiver-${role}.yaml`);
  writeFileSync(file, one(ms, 'ConfigMap').data?.['quiver.yaml'] ?? '');
  const deployment = one(ms, 'Deployment', `-${role}`);
  const container = deployment.spec.template.spec.containers[0] as Container;
  assert.deepEqual(container.args, [role]);
  const env = containerEnv(container, secret);
  assert.deepEqual(Object.keys(env).filter((k) => k.startsWith('QUIVER_') && k !== 'QUIVER_CONFIG' && !(k in ENV_KEYS)), []);
  // The image's own defaults (Dockerfile ENV) would otherwise decide the ports.
  assert.ok('QUIVER_PORT' in env && 'QUIVER_INDEXER_HTTP_PORT' in env, 'ports set explicitly');
  assert.equal(env.QUIVER_CONFIG, '/etc/quiver/quiver.yaml');
  const mounts = container.volumeMounts;
  assert.ok(mounts.some((m) => m.mountPath === '/etc/quiver' && m.name === 'config'), 'config file mounted');
  const config = loadConfig({ env: { ...env, QUIVER_CONFIG: file } });
  assert.deepEqual(unsharedBackends(config), []);
  assert.equal(config.server.host, '0.0.0.0');
  const port = container.ports.find((p) => p.name === 'http')?.containerPort;
  const listens = role === 'proxy' ? config.server.port : config.indexer.httpPort;
  assert.equal(listens, port, 'the process listens on the container port the probes use');
  for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
    assert.equal(probe.httpGet.port, 'http');
  }
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  // Writable places of a read-only root filesystem: the data directory and /tmp.
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  for (const path of [config.dataDir, '/tmp']) assert.ok(mounts.some((m) => m.mountPath === path), `${path} is mounted`);
  if (config.log.kind === 'kafka' && config.log.security.caFile) {
    const caFile = config.log.security.caFile;
    assert.ok(mounts.some((m) => caFile.startsWith(`${m.mountPath}/`)), `${caFile} is mounted`);
  }
  return config;
}

describe('helm chart: quiver configuration', { skip }, () => {
  it('default values: a cluster on in-namespace kafka, minio and redis, credentials from the Secret', () => {
    const ms = render([], ['s3.accessKeyId=AKIAEXAMPLE', 's3.secretAccessKey=s3cr3t', 'redis.password=p@ss word']);
    const secret = one(ms, 'Secret').stringData ?? {};
    assert.ok(!JSON.stringify(one(ms, 'ConfigMap')).includes('s3cr3t'), 'no credential in the ConfigMap');
    for (const role of ['proxy', 'indexer'] as const) {
      const config = checkRole(ms, role, secret);
      assert.equal(config.objectStore.kind === 's3' && config.objectStore.secretAccessKey, 's3cr3t');
      assert.equal(config.coordinator.kind === 'redis' && new URL(config.coordinator.url).hostname, 'redis');
      assert.equal(config.coordinator.kind === 'redis' && decodeURIComponent(new URL(config.coordinator.url).password), 'p@ss word');
    }
    assert.equal(one(ms, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name, one(ms, 'Deployment', '-proxy').metadata.name);
    assert.equal(ms.filter((m) => m.kind === 'PodDisruptionBudget').length, 2);
  });

  it('external-backends values: SASL over TLS with a mounted CA, AWS S3, TLS Redis, auth on', () => {
    const ms = render([join(chart, 'ci/external-backends-values.yaml')]);
    assert.equal(ms.filter((m) => m.kind === 'Secret').length, 0, 'the existing Secret is used');
    const existing = { 'kafka-username': 'quiver', 'kafka-password': 'x', 'redis-url': 'rediss://:x@redis.example.internal:6380/0', 'root-password': 'secret-root' };
    for (const role of ['proxy', 'indexer'] as const) {
      const config = checkRole(ms, role, existing);
      assert.ok(config.log.kind === 'kafka' && config.log.security.protocol === 'sasl_ssl' && config.log.security.username === 'quiver');
      assert.equal(config.log.kind === 'kafka' && config.log.replicationFactor, 3);
      assert.ok(config.objectStore.kind === 's3' && config.objectStore.endpoint === undefined);
      assert.equal(config.auth.enabled, true);
      assert.equal(config.limits.rateLimit.requestsPerSecond, 500);
    }
  });

  it('refuses auth without a root password', () => {
    assert.throws(() => render([], ['auth.enabled=true']), /auth.enabled needs auth.rootPassword/);
  });
});
