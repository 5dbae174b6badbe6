/**
 * S3 adapter of the ObjectStore port: AWS S3 and S3-compatible servers (MinIO, R2, Ceph).
 * See s3-object-store.ts for the guarantees and client.ts for the options.
 */

export { openS3ObjectStore } from './s3-object-store.ts';
export type { S3ObjectStoreOptions } from './client.ts';
