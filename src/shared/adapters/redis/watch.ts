/**
 * Change notifications of the Redis coordinator: pub/sub for speed, polling for completeness.
 *
 * Every commit that changes something takes exactly one revision of the global counter and
 * publishes one message [revision, key, present, ...] on the deployment's channel (see
 * scripts.ts). A dedicated subscriber connection feeds them to `handleMessage`, which notifies
 * the watchers of matching prefixes at once.
 *
 * Pub/sub is fire-and-forget: messages published while the subscriber is disconnected (Redis
 * restart, network blip, CLIENT KILL, output-buffer limit) are lost. Because revisions are
 * consecutive, a loss is visible as a gap, and the poll closes it:
 *
 * - Each watched prefix (a group) knows the versions of its keys as of revision `asOf`. A
 *   message with revision asOf + 1 advances asOf; a gap leaves asOf behind.
 * - Every `pollMs` one script call reads the current revision and, only for groups whose asOf
 *   is behind it, the versions of their keys. Differences from what the group knew are
 *   notified — exactly the changes whose messages were lost. With a healthy subscriber every
 *   group is current, so a poll costs one round trip that scans nothing.
 * - Each key remembers the revision it was last observed at, so a late message never
 *   overrides a newer scan (and vice versa), and no change is notified twice.
 *
 * Notifications are best effort as the port says: several changes of a key between two polls
 * are one notification, and a change may be notified up to `pollMs` late during an outage.
 * Callbacks run on a later macrotask, never inside handleMessage or a poll; their errors go to
 * `onError`.
 */

import type { WatchErrorHandler } from '../local-coordinator/watch-hub.ts';

/** What one poll asks for: the prefix and the revision its group is current at (-1: unknown). */
export interface ScanRequest {
  prefix: string;
  asOf: number;
}

/** The current revision and, per request, the versions of its keys or null when current. */
export interface ScanResult {
  revision: number;
  versions: Array<Map<string, number> | null>;
}

interface Watcher {
  onChange: (key: string) => void;
  active: boolean;
}

interface Observation {
  /** Version when present, null when deleted. */
  version: number | null;
  /** Revision at which this state was observed. */
  seenAt: number;
}

interface Group {
  prefix: string;
  watchers: Set<Watcher>;
  /** Keys whose state is known; any other key is known absent as of `asOf`. */
  known: Map<string, Observation>;
  /** Revision up to which this group has seen every change; -1 before the first scan. */
  asOf: number;
}

/** Revisions of received messages remembered to advance groups after a scan. */
const RECENT_REVISIONS = 10_000;

export class WatchHub {
  private readonly groups = new Map<string, Group>();
  private readonly recent = new Set<number>();
  private pending: Array<{ watchers: Watcher[]; key: string }> = [];
  private flushScheduled = false;
  private polling = false;
  /** A poll was asked for while one ran (e.g. a new group): run another right after. */
  private pollAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /**
   * @param scan reads the versions for a poll; rejects when Redis is unavailable.
   * @param onError receives errors thrown by callbacks.
   * @param onPollError receives scan failures (the next poll retries).
   * @param pollMs milliseconds between polls while anything is watched.
   */
  constructor(
    private readonly scan: (requests: ScanRequest[]) => Promise<ScanResult>,
    private readonly onError: WatchErrorHandler,
    private readonly onPollError: (error: unknown) => void,
    private readonly pollMs: number,
  ) {}

  /** Registers a watcher; returns an idempotent unsubscribe that stops even scheduled calls. */
  subscribe(prefix: string, onChange: (key: string) => void): () => void {
    if (typeof onChange !== 'function') throw new TypeError('watch needs a callback function');
    let group = this.groups.get(prefix);
    if (group === undefined) {
      group = { prefix, watchers: new Set(), known: new Map(), asOf: -1 };
      this.groups.set(prefix, group);
      this.ensureTimer();
      // Take the new group's baseline now rather than a poll interval later.
      void this.poll();
    }
    const watcher: Watcher = { onChange, active: true };
    const owner = group;
    owner.watchers.add(watcher);
    return () => {
      watcher.active = false;
      owner.watchers.delete(watcher);
      if (owner.watchers.size === 0 && this.groups.get(owner.prefix) === owner) {
        this.groups.delete(owner.prefix);
        if (this.groups.size === 0) this.stopTimer();
      }
    };
  }

  /** Handles one message of the change channel. Malformed messages are ignored. */
  handleMessage(raw: string): void {
    if (this.closed) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (!Array.isArray(message) || message.length < 1) return;
    const revision = Number(message[0]);
    if (!Number.isSafeInteger(revision)) return;
    this.remember(revision);
    for (const group of this.groups.values()) {
      for (let i = 1; i + 1 < message.length; i += 2) {
        const key = message[i];
        if (typeof key !== 'string' || !key.startsWith(group.prefix)) continue;
        this.observe(group, key, message[i + 1] === 1 ? revision : null, revision);
      }
      this.advance(group);
    }
  }

  /**
   * Compares every behind group with Redis and notifies what changed. Runs on the timer, on
   * new groups and when the subscriber reconnects; at most one poll runs at a time.
   */
  async poll(): Promise<void> {
    if (this.closed || this.groups.size === 0) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    this.pollAgain = false;
    try {
      const groups = [...this.groups.values()];
      const requested = groups.map((g) => g.asOf);
      const result = await this.scan(groups.map((g) => ({ prefix: g.prefix, asOf: g.asOf })));
      if (this.closed) return;
      groups.forEach((group, i) => {
        const versions = result.versions[i];
        if (versions !== null && versions !== undefined) this.applyScan(group, result.revision, versions, requested[i]);
      });
    } catch (err) {
      this.onPollError(err);
    } finally {
      this.polling = false;
    }
    if (this.pollAgain) await this.poll();
  }

  /** Stops polling and drops every watcher; scheduled notifications are discarded. */
  close(): void {
    this.closed = true;
    this.stopTimer();
    for (const group of this.groups.values()) for (const watcher of group.watchers) watcher.active = false;
    this.groups.clear();
    this.pending = [];
  }

  /** Applies one observed state of `key`; notifies when it differs from the known one. */
  private observe(group: Group, key: string, version: number | null, seenAt: number): void {
    const known = group.known.get(key);
    if (seenAt <= (known?.seenAt ?? group.asOf)) return; // older than what we know
    group.known.set(key, { version, seenAt });
    // Before the first scan, an unseen key's state is unknown: any message about it is news.
    const before = known?.version ?? null;
    if (before !== version || (known === undefined && group.asOf < 0)) this.notify(group, key);
  }

  private applyScan(group: Group, revision: number, versions: Map<string, number>, requestedAsOf: number): void {
    // The counter went backwards: Redis lost its data. The scan is then the whole truth.
    const reset = requestedAsOf >= 0 && revision < requestedAsOf;
    // Remembered revisions from before the loss say nothing about the new counter.
    if (reset) this.recent.clear();
    if (!reset && revision <= group.asOf) return; // messages already brought the group further
    const hadBaseline = group.asOf >= 0;
    for (const [key, version] of versions) {
      const known = group.known.get(key);
      if (!reset && known !== undefined && known.seenAt > revision) continue;
      group.known.set(key, { version, seenAt: revision });
      // Without a baseline, keys first seen here are the baseline, not changes.
      if ((known?.version ?? null) !== version && (hadBaseline || known !== undefined)) this.notify(group, key);
    }
    for (const [key, known] of group.known) {
      if (versions.has(key) || (!reset && known.seenAt > revision)) continue;
      group.known.delete(key);
      if (known.version !== null) this.notify(group, key);
    }
    group.asOf = revision;
    this.advance(group);
  }

  /** Moves asOf over consecutive revisions already received; forgets settled deletions. */
  private advance(group: Group): void {
    if (group.asOf < 0) return;
    while (this.recent.has(group.asOf + 1)) group.asOf++;
    for (const [key, known] of group.known) {
      if (known.version === null && known.seenAt <= group.asOf) group.known.delete(key);
    }
  }

  private remember(revision: number): void {
    this.recent.add(revision);
    if (this.recent.size > RECENT_REVISIONS) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  private notify(group: Group, key: string): void {
    if (group.watchers.size === 0) return;
    this.pending.push({ watchers: [...group.watchers], key });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const { watchers, key } of batch) {
      for (const watcher of watchers) {
        if (!watcher.active) continue;
        try {
          watcher.onChange(key);
        } catch (err) {
          try {
            this.onError(err, key);
          } catch {
            // The error handler failed too; there is nowhere left to report to.
          }
        }
      }
    }
  }

  private ensureTimer(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    // Watching alone must not keep a process alive.
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
