/**
 * A consumer's subscription to the topics matching its pattern, by name.
 *
 * librdkafka can subscribe to "^regex" itself, but it matches with POSIX extended regular
 * expressions (libc regcomp), which differ from JavaScript's RegExp (no \d, \w, lookarounds,
 * lazy quantifiers...). The port takes a JavaScript RegExp, so the topic list is read from the
 * cluster metadata and matched here, and librdkafka gets the exact names; a changed list
 * re-subscribes, which librdkafka turns into an (incremental) rebalance. New topics are picked up
 * within `intervalMs`; topics deleted leave the subscription the same way (librdkafka also drops
 * partitions of topics that vanish from its own metadata, refreshed as often).
 */
import type { KafkaAdmin } from './admin.ts';

/** The native consumer's subscription calls. */
export interface SubscribingClient {
  subscribe(topics: string[]): unknown;
  unsubscribe(): unknown;
}

export class TopicSubscription {
  private readonly pattern: RegExp;
  private topics: string[] = [];
  private nextRefresh = 0;

  /**
   * @param pattern matched against topic names (its g and y flags are ignored)
   * @param intervalMs how often the topic list is read again, in milliseconds
   * @param warn reports a failed refresh (the current subscription is kept and retried later)
   */
  constructor(
    pattern: RegExp,
    private readonly client: SubscribingClient,
    private readonly admin: KafkaAdmin,
    private readonly intervalMs: number,
    private readonly warn: (msg: string, error: string) => void,
  ) {
    // A private copy without g/y: those flags make test() stateful across calls.
    this.pattern = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  }

  /** The subscribed topic names, sorted. */
  get current(): readonly string[] {
    return this.topics;
  }

  /** Re-reads the topic list when the interval has passed and subscribes to what matches. Never rejects. */
  async refresh(now = Date.now()): Promise<void> {
    if (now < this.nextRefresh) return;
    this.nextRefresh = now + this.intervalMs;
    let topics: string[];
    try {
      topics = (await this.admin.listTopics()).filter((t) => this.pattern.test(t));
    } catch (err) {
      this.warn('kafka consumer cannot list topics', String(err));
      return;
    }
    if (topics.join('\n') === this.topics.join('\n')) return;
    try {
      if (topics.length > 0) this.client.subscribe(topics);
      else this.client.unsubscribe();
      this.topics = topics;
    } catch (err) {
      this.warn('kafka consumer cannot subscribe', String(err));
    }
  }
}
