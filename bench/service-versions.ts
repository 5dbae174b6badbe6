/**
 * Versions of the services and clients a cluster run used, for the report header: the Kafka
 * broker (from its jars), librdkafka (the Kafka client quiver links), Redis (INFO server) and the
 * S3 server's name. Every lookup is best effort: 'unknown' instead of a failure.
 */
import { readdir } from 'node:fs/promises';
import rdkafka from '@confluentinc/kafka-javascript';
import { Redis } from 'ioredis';

/** What the cluster ran on. */
export interface ServiceVersions {
  kafka: string;
  librdkafka: string;
  redis: string;
  s3_server: string;
}

async function kafkaVersion(libsDir: string | undefined): Promise<string> {
  if (!libsDir) return 'unknown';
  try {
    const jar = (await readdir(libsDir)).find((f) => /^kafka-clients-[\d.]+\.jar$/.test(f));
    return jar ? jar.slice('kafka-clients-'.length, -'.jar'.length) : 'unknown';
  } catch {
    return 'unknown';
  }
}

async function redisVersion(url: string | undefined): Promise<string> {
  if (!url) return 'unknown';
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await client.connect();
    const info = await client.info('server');
    return /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  } finally {
    client.disconnect();
  }
}

/** Reads the versions using the settings of .quiver/services.env. */
export async function serviceVersions(env: Record<string, string>): Promise<ServiceVersions> {
  const [kafka, redis] = await Promise.all([kafkaVersion(env.QUIVER_TEST_KAFKA_LIBS), redisVersion(env.QUIVER_REDIS_URL)]);
  return {
    kafka,
    librdkafka: (rdkafka as { librdkafkaVersion?: string }).librdkafkaVersion ?? 'unknown',
    redis,
    s3_server: env.QUIVER_TEST_S3_SERVER ?? 'unknown',
  };
}
