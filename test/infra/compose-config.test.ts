/**
 * The compose stack (infra/compose) against quiver itself: every QUIVER_* variable it sets is one
 * quiver reads, the merged settings of a proxy and an indexer pass quiver's own config loader as
 * a cluster, the credentials of the backends agree with the ones quiver is given, Prometheus
 * scrapes the ports the processes listen on, and the committed env files hold placeholders only.
 * Needs no Docker: it reads the files.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ENV_KEYS, loadConfig } from '../../src/shared/config/load.ts';
import { unsharedBackends } from '../../src/shared/runtime/open-ports.ts';
import { type EnvFileEntry, readEnvFile, serviceEnv } from './env-file.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = `${root}infra/compose`;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  env_file?: EnvFileEntry[];
  environment?: Record<string, string>;
}
const compose = parse(readFileSync(`${dir}/docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** What a service's process sees: its env files (committed ones only), then `environment`. */
function envOf(name: string): Record<string, string> {
  const svc = services[name];
  assert.ok(svc, `no service ${name}`);
  // Only the committed files: local overrides (required: false) must not change what is tested.
  return { ...serviceEnv(dir, svc.env_file ?? [], () => false), ...svc.environment };
}

describe('compose stack: quiver settings', () => {
  for (const role of ['proxy', 'indexer'] as const) {
    it(`the ${role} runs "quiver ${role}" with settings quiver accepts for a cluster`, () => {
      assert.deepEqual(services[role].command, [role]);
      const env = envOf(role);
      const unknown = Object.keys(env).filter((k) => k.startsWith('QUIVER_') && !(k in ENV_KEYS));
      assert.deepEqual(unknown, [], 'variables quiver does not read');
      const config = loadConfig({ env, file: '/dev/null' });
      assert.deepEqual(unsharedBackends(config), []);
      assert.equal(config.server.host, '0.0.0.0');
      if (role === 'proxy') assert.equal(config.server.port, 19530);
      else assert.equal(config.indexer.httpPort, 19531);
      assert.equal(config.log.kind === 'kafka' && config.log.brokers, 'kafka:9092');
      assert.equal(config.objectStore.kind === 's3' && config.objectStore.endpoint, 'http://minio:9000');
      assert.equal(config.objectStore.kind === 's3' && config.objectStore.forcePathStyle, true);
    });
  }

  it('gives quiver the credentials MinIO and Redis are started with', () => {
    const quiver = envOf('proxy');
    const minio = envOf('minio');
    const redis = envOf('redis');
    assert.equal(quiver.QUIVER_S3_ACCESS_KEY_ID, minio.MINIO_ROOT_USER);
    assert.equal(quiver.QUIVER_S3_SECRET_ACCESS_KEY, minio.MINIO_ROOT_PASSWORD);
    const url = new URL(quiver.QUIVER_REDIS_URL);
    assert.equal(decodeURIComponent(url.password), redis.REDIS_PASSWORD);
    assert.ok(url.hostname in services, `redis host ${url.hostname} is a compose service`);
    assert.equal(envOf('minio-init').QUIVER_BUCKET, quiver.QUIVER_S3_BUCKET, 'the init job creates quiver\'s bucket');
  });

  it('points quiver at the broker Kafka advertises', () => {
    const advertised = services.kafka.environment?.KAFKA_ADVERTISED_LISTENERS ?? '';
    assert.ok(advertised.split(',').includes(`PLAINTEXT://${envOf('proxy').QUIVER_KAFKA_BROKERS}`), advertised);
  });
});

describe('compose stack: Prometheus', () => {
  const prometheus = parse(readFileSync(`${root}infra/prometheus/prometheus.yml`, 'utf8')) as {
    scrape_configs: { job_name: string; metrics_path?: string; dns_sd_configs?: { names: string[]; port: number }[] }[];
  };

  it('scrapes every proxy and indexer on the port it listens on', () => {
    const scraped = new Map<string, number>();
    for (const job of prometheus.scrape_configs) {
      for (const sd of job.dns_sd_configs ?? []) {
        assert.equal(job.metrics_path, '/metrics');
        for (const name of sd.names) scraped.set(name, sd.port);
      }
    }
    const config = (role: string) => loadConfig({ env: envOf(role), file: '/dev/null' });
    assert.equal(scraped.get('proxy'), config('proxy').server.port, 'proxy scrape port');
    assert.equal(scraped.get('indexer'), config('indexer').indexer.httpPort, 'indexer scrape port');
  });
});

describe('compose stack: committed credentials', () => {
  const secretName = /PASSWORD|SECRET/;

  it('holds only placeholders, and git ignores the files that override them', () => {
    for (const file of ['quiver-secrets.env.example', 'minio.env.example', 'redis.env.example', 'grafana.env.example']) {
      const env = readEnvFile(`${dir}/${file}`);
      for (const [key, value] of Object.entries(env)) {
        if (secretName.test(key)) assert.match(value, /^change-me-/, `${file}: ${key}`);
      }
      if (env.QUIVER_REDIS_URL) assert.match(new URL(env.QUIVER_REDIS_URL).password, /^change-me-/);
      const override = `infra/compose/${file.replace(/\.example$/, '')}`;
      assert.ok(isIgnored(override), `${override} is not in .gitignore`);
    }
  });
});

function isIgnored(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: root });
    return true;
  } catch {
    return false;
  }
}

describe('compose stack: Grafana', () => {
  const provisioned = parse(readFileSync(`${dir}/grafana/provisioning/datasources/prometheus.yaml`, 'utf8')) as {
    datasources: { uid: string; type: string; url: string; isDefault?: boolean }[];
  };

  it('provisions the stack\'s Prometheus as the data source every dashboard panel names', () => {
    const [source] = provisioned.datasources;
    assert.equal(source.type, 'prometheus');
    assert.equal(new URL(source.url).hostname, 'prometheus');
    assert.ok('prometheus' in services);
    const dashboards = readdirSync(`${root}infra/grafana/dashboards`).filter((f) => f.endsWith('.json'));
    const refs: { type?: string; uid?: string }[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if (o.datasource && typeof o.datasource === 'object') refs.push(o.datasource as { type?: string; uid?: string });
        Object.values(o).forEach(walk);
      }
    };
    for (const f of dashboards) walk(JSON.parse(readFileSync(`${root}infra/grafana/dashboards/${f}`, 'utf8')));
    for (const ref of refs) {
      assert.equal(ref.type, 'prometheus');
      // A template variable picks the default data source; a fixed uid must be the provisioned one.
      if (ref.uid && !ref.uid.startsWith('$')) assert.equal(ref.uid, source.uid);
      else assert.equal(source.isDefault, true);
    }
  });
});
