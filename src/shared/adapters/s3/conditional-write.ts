/**
 * Whether the server enforces `If-None-Match: *` on writes, found out once per store.
 *
 * AWS S3 (since 2024), MinIO, R2 and current Ceph honour the header atomically. Some
 * S3-compatible servers ignore unknown conditional headers and simply overwrite — the worst
 * outcome for create-once objects, because nothing would tell us. So in 'auto' mode the first
 * conditional put probes: write a scratch object, write it again with the header, and see
 * whether the second write was refused (412: native) or accepted (ignored) or rejected as not
 * implemented (501). The scratch object lives under the store prefix in a reserved folder that
 * listings hide, and is deleted right after.
 *
 * In emulated mode the adapter checks with HEAD and then writes: two writers racing on the same
 * key within one round trip can both succeed (the later object stands). quiver's create-once
 * keys are written by a single owner (segment files carry unique ids; manifests are fenced in
 * the coordinator), so the race is tolerable there, but the mode is logged as a warning.
 */

import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '../../logger.ts';
import { isNotImplemented, isPreconditionFailed } from './errors.ts';
import { RESERVED_PREFIX } from './keys.ts';

export type ConditionalMode = 'native' | 'emulated';

export class ConditionalWriteSupport {
  /** The probe in flight or its result; reset after a failed probe so a later put retries it. */
  private probe: Promise<ConditionalMode> | undefined;

  constructor(
    private readonly configured: 'auto' | 'native' | 'emulated',
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /**
   * The mode to use for a conditional put. Rejects with the SDK's error when the probe could not
   * reach the server (the caller translates it); the next call probes again.
   */
  mode(): Promise<ConditionalMode> {
    if (this.configured !== 'auto') return Promise.resolve(this.configured);
    if (this.probe === undefined) {
      this.probe = this.runProbe().catch((err: unknown) => {
        this.probe = undefined;
        throw err;
      });
    }
    return this.probe;
  }

  private async runProbe(): Promise<ConditionalMode> {
    const name = `${this.prefix}${RESERVED_PREFIX}if-none-match-probe/${randomUUID()}`;
    const body = new TextEncoder().encode('probe');
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: name, Body: body }));
    let mode: ConditionalMode;
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: name, Body: body, IfNoneMatch: '*' }));
      mode = 'emulated';
    } catch (err) {
      if (isPreconditionFailed(err)) mode = 'native';
      else if (isNotImplemented(err)) mode = 'emulated';
      else throw err;
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: name })).catch(() => undefined);
    }
    if (mode === 'emulated') {
      this.logger.warn(
        's3 server ignores If-None-Match on writes; create-once puts fall back to HEAD-then-put, ' +
          'which two concurrent writers of the same key can both pass',
        { bucket: this.bucket },
      );
    }
    return mode;
  }
}
