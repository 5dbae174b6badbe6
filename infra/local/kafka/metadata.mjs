// Readiness probe for the local broker, with no dependency but Node itself: sends one Kafka
// Metadata request (v4, all topics, no auto-creation) over a plain TCP connection and succeeds
// when the broker answers with at least one live broker. Prints the answer as JSON.
//
//   node infra/local/kafka/metadata.mjs HOST:PORT [TIMEOUT_MS]
//
// Exit 0: answered; 1: connection refused, closed, timed out or malformed answer.
import net from 'node:net';

const [hostPort, timeoutArg] = process.argv.slice(2);
const match = /^(.+):(\d+)$/.exec(hostPort ?? '');
if (!match) {
  console.error('usage: metadata.mjs HOST:PORT [TIMEOUT_MS]');
  process.exit(2);
}
const [, host, port] = match;
const timeoutMs = Number(timeoutArg ?? 3000);

const API_METADATA = 3;
const VERSION = 4; // non-flexible encoding; supported by Kafka 1.0 through 4.x
const CORRELATION_ID = 0x51564552;
const CLIENT_ID = Buffer.from('quiver-local-probe');

function request() {
  const body = Buffer.alloc(2 + 2 + 4 + 2 + CLIENT_ID.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(API_METADATA, o);
  o = body.writeInt16BE(VERSION, o);
  o = body.writeInt32BE(CORRELATION_ID, o);
  o = body.writeInt16BE(CLIENT_ID.length, o);
  o += CLIENT_ID.copy(body, o);
  o = body.writeInt32BE(-1, o); // topics: null = all topics
  body.writeInt8(0, o); // allow_auto_topic_creation: false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function parse(buf) {
  let o = 0;
  const int16 = () => ((o += 2), buf.readInt16BE(o - 2));
  const int32 = () => ((o += 4), buf.readInt32BE(o - 4));
  const string = () => {
    const len = int16();
    if (len < 0) return null;
    o += len;
    return buf.toString('utf8', o - len, o);
  };
  if (int32() !== CORRELATION_ID) throw new Error('unexpected correlation id');
  int32(); // throttle_time_ms
  const brokers = [];
  for (let n = int32(); n > 0; n--) {
    brokers.push({ nodeId: int32(), host: string(), port: int32(), rack: string() });
  }
  const clusterId = string();
  const controllerId = int32();
  const topics = [];
  for (let n = int32(); n > 0; n--) {
    const errorCode = int16();
    const name = string();
    o += 1; // is_internal
    let partitions = 0;
    for (let p = int32(); p > 0; p--, partitions++) {
      o += 2 + 4 + 4; // error_code, partition_index, leader_id
      const replicas = int32();
      o += 4 * replicas; // replica_nodes
      const isr = int32();
      o += 4 * isr; // isr_nodes
    }
    topics.push({ name, errorCode, partitions });
  }
  return { brokers, clusterId, controllerId, topics };
}

const socket = net.connect({ host, port: Number(port) });
const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
let received = Buffer.alloc(0);

function fail(message) {
  console.error(`kafka metadata ${hostPort}: ${message}`);
  socket.destroy();
  process.exit(1);
}

socket.on('connect', () => socket.write(request()));
socket.on('error', (err) => fail(err.message));
socket.on('close', () => fail('connection closed before an answer'));
socket.on('data', (chunk) => {
  received = Buffer.concat([received, chunk]);
  if (received.length < 4) return;
  const size = received.readInt32BE(0);
  if (received.length < 4 + size) return;
  clearTimeout(timer);
  let answer;
  try {
    answer = parse(received.subarray(4, 4 + size));
  } catch (err) {
    fail(`malformed answer: ${err.message}`);
  }
  if (answer.brokers.length === 0) fail('no live brokers in the answer');
  console.log(JSON.stringify(answer));
  socket.removeAllListeners('close');
  socket.end();
  process.exit(0);
});
