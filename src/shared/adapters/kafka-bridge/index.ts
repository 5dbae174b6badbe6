/**
 * Log adapter over the Strimzi Kafka Bridge (HTTP), for runtimes without a Kafka client
 * (Cloudflare Workers). See bridge-log.ts for what it serves and its delivery semantics.
 */
export { BINARY_CONTENT_TYPE, openBridgeLog, type BridgeLogOptions } from './bridge-log.ts';
