/**
 * The Log port over the Strimzi Kafka Bridge's REST API, with fetch only: the producer of the
 * edge proxy (Cloudflare Workers), where no Kafka client runs.
 *
 * Records are produced with `POST /topics/{topic}` in the bridge's binary embedded format
 * (`application/vnd.kafka.binary.v2+json`: base64 value and key, explicit partition per record),
 * so Kafka stores exactly the bytes the native adapter (adapters/kafka) would: same topic, same
 * partition (the shard), same payload (the WAL encoding), no headers, and the key as given
 * (the write path sends none). The indexers cannot tell the two producers apart.
 *
 * Delivery semantics: send() resolves only when the bridge answered the synchronous produce
 * (no `async=true`) with an offset for every record, i.e. after its Kafka producer received
 * the broker acknowledgement; how durable that is depends on the bridge's producer settings —
 * run it with `acks=all` and idempotence on (infra/local/bridge.sh does), as the native
 * adapter does. The bridge sends a request's records one after another from one producer, so
 * records of one partition keep their input order. A record the bridge reports as failed
 * rejects the whole send (earlier records of the same call may be written, as with Kafka).
 *
 * Only what the edge needs is served: send, listTopics, earliest/latestOffset and
 * maxRecordBytes. Topic administration, trimming and consumers reject LogError 'invalid'
 * naming the operation: topics are created by the Node tier (collections/create), and the
 * indexers consume with the native client.
 */
import { z } from 'zod';
import { encodeBase64 } from '../../schema/base64.ts';
import { checkRecordBody } from '../common/record-checks.ts';
import { LogError, type ConsumerOptions, type Log, type LogConsumer, type OutgoingRecord, type TopicPartition } from '../../ports/log.ts';
import { BridgeHttp, bridgeError } from './bridge-http.ts';

export const BINARY_CONTENT_TYPE = 'application/vnd.kafka.binary.v2+json';

export interface BridgeLogOptions {
  /** Base URL of the bridge's HTTP endpoint. */
  url: string;
  /** Authorization header for a gateway in front of the bridge (secret; never in messages). */
  authorization?: string;
  /** Largest payload one record may carry, bytes; keep below the broker's message.max.bytes. Default 921600 (as the kafka adapter). */
  maxRecordBytes?: number;
  /** Longest a produce call may take, ms (default 30000); longer is 'unavailable'. */
  sendTimeoutMs?: number;
  /** Longest any other call may take, ms (default 10000). */
  requestTimeoutMs?: number;
  /** Injected for tests; default globalThis.fetch. */
  fetch?: typeof fetch;
}

/** Kafka's legal topic names. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

const produceAnswerSchema = z.object({
  offsets: z.array(
    z
      .object({
        partition: z.number().int().optional(),
        offset: z.number().int().nonnegative().optional(),
        error_code: z.number().optional(),
        message: z.string().optional(),
      })
      .loose(),
  ),
});

const offsetsSchema = z.object({ beginning_offset: z.number().int(), end_offset: z.number().int() }).loose();
const topicsSchema = z.array(z.string());

function checkTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || !TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new LogError(`invalid topic name ${JSON.stringify(topic)}`, 'invalid');
  }
}

function unsupported(what: string): LogError {
  return new LogError(`${what} is not available through the Kafka HTTP bridge (the edge only produces)`, 'invalid');
}

class BridgeLog implements Log {
  private readonly send_: BridgeHttp;
  private readonly admin: BridgeHttp;
  private readonly maxBytes: number;
  private closed = false;

  constructor(o: BridgeLogOptions) {
    const f = o.fetch ?? ((input, init) => fetch(input, init));
    this.send_ = new BridgeHttp({ url: o.url, authorization: o.authorization, timeoutMs: o.sendTimeoutMs ?? 30_000, fetch: f });
    this.admin = new BridgeHttp({ url: o.url, authorization: o.authorization, timeoutMs: o.requestTimeoutMs ?? 10_000, fetch: f });
    this.maxBytes = o.maxRecordBytes ?? 921_600;
  }

  async send(topic: string, records: OutgoingRecord[]): Promise<number[]> {
    this.checkOpen();
    checkTopic(topic);
    if (!Array.isArray(records)) throw new LogError('records must be an array', 'invalid');
    for (const r of records) {
      checkRecordBody(r, this.maxBytes);
      if (!Number.isSafeInteger(r.partition) || r.partition < 0) {
        throw new LogError(`invalid partition ${String(r.partition)}`, 'invalid');
      }
    }
    if (records.length === 0) return [];
    const what = `send to topic ${topic}`;
    const answer = await this.send_.call('POST', `/topics/${encodeURIComponent(topic)}`, what, {
      contentType: BINARY_CONTENT_TYPE,
      json: {
        records: records.map((r) => ({
          partition: r.partition,
          value: encodeBase64(r.payload),
          ...(r.key === null ? {} : { key: encodeBase64(r.key) }),
        })),
      },
    });
    const parsed = produceAnswerSchema.safeParse(answer);
    if (!parsed.success || parsed.data.offsets.length !== records.length) {
      throw new LogError(`${what}: the Kafka bridge answered an unexpected document`, 'unavailable');
    }
    return parsed.data.offsets.map((o, i) => {
      if (o.error_code !== undefined || o.offset === undefined) {
        throw bridgeError(`${what} (record ${i})`, o.error_code ?? 500, JSON.stringify({ message: o.message ?? 'no offset' }));
      }
      if (o.partition !== undefined && o.partition !== records[i].partition) {
        throw new LogError(`${what}: the bridge wrote record ${i} to partition ${o.partition}, not ${records[i].partition}`, 'unavailable');
      }
      return o.offset;
    });
  }

  async listTopics(): Promise<string[]> {
    this.checkOpen();
    const answer = await this.admin.call('GET', '/topics', 'list topics');
    const parsed = topicsSchema.safeParse(answer);
    if (!parsed.success) throw new LogError('list topics: the Kafka bridge answered an unexpected document', 'unavailable');
    return parsed.data.filter((t) => !t.startsWith('__')).sort();
  }

  async earliestOffset(tp: TopicPartition): Promise<number> {
    return (await this.offsets(tp)).beginning_offset;
  }

  async latestOffset(tp: TopicPartition): Promise<number> {
    return (await this.offsets(tp)).end_offset;
  }

  maxRecordBytes(): number {
    return this.maxBytes;
  }

  createTopic(topic: string): Promise<void> {
    return Promise.reject(unsupported(`create topic ${topic}`));
  }

  deleteTopic(topic: string): Promise<void> {
    return Promise.reject(unsupported(`delete topic ${topic}`));
  }

  trim(tp: TopicPartition): Promise<void> {
    return Promise.reject(unsupported(`trim ${tp.topic}[${tp.partition}]`));
  }

  consumer(options: ConsumerOptions): LogConsumer {
    throw unsupported(`consume as group ${options.groupId}`);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async offsets(tp: TopicPartition): Promise<z.infer<typeof offsetsSchema>> {
    this.checkOpen();
    checkTopic(tp.topic);
    const what = `read the offsets of ${tp.topic}[${tp.partition}]`;
    const answer = await this.admin.call('GET', `/topics/${encodeURIComponent(tp.topic)}/partitions/${tp.partition}/offsets`, what);
    const parsed = offsetsSchema.safeParse(answer);
    if (!parsed.success) throw new LogError(`${what}: the Kafka bridge answered an unexpected document`, 'unavailable');
    return parsed.data;
  }

  private checkOpen(): void {
    if (this.closed) throw new LogError('the log is closed', 'closed');
  }
}

/** A Log producing through the bridge at `options.url`; no request is made until the first call. */
export function openBridgeLog(options: BridgeLogOptions): Log {
  if (!/^https?:\/\//.test(options.url)) throw new LogError(`invalid Kafka bridge URL ${JSON.stringify(options.url)}`, 'invalid');
  return new BridgeLog(options);
}
