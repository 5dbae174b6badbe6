/**
 * The body of `POST /topics/{topic}` in the binary embedded format
 * (`application/vnd.kafka.binary.v2+json`), checked and turned into the Log port's records:
 *
 *   {"records": [{"partition": 2, "value": "<base64>", "key": "<base64>"}, ...]}
 *
 * Errors follow the Strimzi bridge: a body that is not JSON or breaks the record list's shape
 * (a missing `value`, an unknown property, a wrong type) is 400 naming the JSON pointer; records
 * the bridge cannot produce are 422. This bridge serves the subset the Log port can express, so
 * it also answers 422 for what Strimzi would accept but quiver never sends: a record without an
 * explicit partition (the Log port has no partitioner), headers, a timestamp (quiver's topics
 * stamp records with the broker's append time), a null value (tombstone).
 */
import { z } from 'zod';
import { decodeBase64 } from '../shared/schema/base64.ts';
import type { OutgoingRecord } from '../shared/ports/log.ts';
import { BINARY_FORMAT, BridgeRequestError } from './bridge-errors.ts';

const INT32_MAX = 2 ** 31 - 1;

const headerSchema = z.strictObject({ key: z.string(), value: z.string() });

const recordSchema = z.strictObject({
  partition: z.number().int().max(INT32_MAX).optional(),
  key: z.string().optional(),
  // Present and a string, or null (a tombstone, refused below with a clearer message).
  value: z.string().nullable(),
  headers: z.array(headerSchema).optional(),
  timestamp: z.number().int().optional(),
});

const recordListSchema = z.strictObject({ records: z.array(recordSchema).optional() });

/** What the route needs: the records in request order. */
export type ProduceRequest = OutgoingRecord[];

/**
 * Parses a produce body. `contentType` is the request's Content-Type header (or undefined).
 * @throws BridgeRequestError 400 (missing content type, not JSON, bad shape), 415 (another
 *   embedded format), 422 (records this bridge cannot produce).
 */
export function parseProduceRequest(contentType: string | undefined, text: string): ProduceRequest {
  checkContentType(contentType);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BridgeRequestError(400, `the body is not JSON: ${(err as Error).message}`);
  }
  const parsed = recordListSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const pointer = issue.path.length > 0 ? `/${issue.path.join('/')}` : '/';
    throw new BridgeRequestError(400, `Validation error on: ${pointer} - ${issue.message}`);
  }
  const records = parsed.data.records;
  if (records === undefined) throw new BridgeRequestError(422, 'the body has no "records" array');
  return records.map((r, i) => toOutgoing(r, i));
}

function checkContentType(contentType: string | undefined): void {
  const mediaType = contentType?.split(';')[0].trim().toLowerCase();
  if (!mediaType) throw new BridgeRequestError(400, `a Content-Type header is required: ${BINARY_FORMAT}`);
  if (mediaType !== BINARY_FORMAT) {
    throw new BridgeRequestError(415, `unsupported Content-Type ${mediaType}: this bridge accepts only ${BINARY_FORMAT} (base64 keys and values)`);
  }
}

function toOutgoing(r: z.infer<typeof recordSchema>, i: number): OutgoingRecord {
  const at = `record ${i}`;
  if (r.partition === undefined) {
    throw new BridgeRequestError(422, `${at} has no partition: this bridge produces only to explicit partitions`);
  }
  if (r.partition < 0) {
    throw new BridgeRequestError(422, `Invalid partition: ${r.partition}. Partition number should always be non-negative.`);
  }
  if (r.value === null) throw new BridgeRequestError(422, `${at}: null values (tombstones) are not supported by this bridge`);
  if (r.headers !== undefined && r.headers.length > 0) {
    throw new BridgeRequestError(422, `${at}: record headers are not supported by this bridge`);
  }
  if (r.timestamp !== undefined) {
    throw new BridgeRequestError(422, `${at}: timestamps are not supported by this bridge (the broker stamps records)`);
  }
  const payload = decodeBase64(r.value);
  if (payload === null) throw new BridgeRequestError(422, `${at}: value is not base64`);
  let key: Uint8Array | null = null;
  if (r.key !== undefined) {
    key = decodeBase64(r.key);
    if (key === null) throw new BridgeRequestError(422, `${at}: key is not base64`);
  }
  return { partition: r.partition, key, payload };
}
