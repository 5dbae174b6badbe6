/**
 * In-process change notifications for the local coordinator.
 *
 * Delivery is deliberately decoupled from the commit that caused it: `publish` only schedules,
 * and callbacks run on a later macrotask (setImmediate). So a callback can never observe the
 * committer half-way through its own call stack, a slow callback never delays a commit, and a
 * callback that calls commit() again cannot re-enter the publisher.
 */

/** Receives errors thrown by watch callbacks, with the key being delivered. */
export type WatchErrorHandler = (error: unknown, key: string) => void;

interface Subscription {
  prefix: string;
  onChange: (key: string) => void;
  active: boolean;
}

export class WatchHub {
  private readonly subscriptions = new Set<Subscription>();

  /** @param onError called for every error a callback throws; must not throw itself. */
  constructor(private readonly onError: WatchErrorHandler) {}

  /**
   * Calls `onChange(key)` for every later published key starting with `prefix`. Returns an
   * idempotent unsubscribe function; after it returns no further calls are made, including
   * deliveries already scheduled.
   */
  subscribe(prefix: string, onChange: (key: string) => void): () => void {
    if (typeof onChange !== 'function') throw new TypeError('watch needs a callback function');
    const subscription: Subscription = { prefix, onChange, active: true };
    this.subscriptions.add(subscription);
    return () => {
      subscription.active = false;
      this.subscriptions.delete(subscription);
    };
  }

  /**
   * Schedules notification of `keys` to the matching subscribers on a later macrotask. Only
   * subscribers present now are considered: a watch started after a commit resolved does not
   * hear about that commit.
   */
  publish(keys: readonly string[]): void {
    if (keys.length === 0 || this.subscriptions.size === 0) return;
    const targets = [...this.subscriptions];
    setImmediate(() => this.deliver(targets, keys));
  }

  /** Drops every subscription; pending deliveries are discarded. */
  clear(): void {
    for (const subscription of this.subscriptions) subscription.active = false;
    this.subscriptions.clear();
  }

  private deliver(targets: readonly Subscription[], keys: readonly string[]): void {
    for (const key of keys) {
      for (const subscription of targets) {
        if (!subscription.active || !key.startsWith(subscription.prefix)) continue;
        try {
          subscription.onChange(key);
        } catch (err) {
          // A faulty subscriber must not starve the others or break the coordinator.
          this.reportError(err, key);
        }
      }
    }
  }

  private reportError(error: unknown, key: string): void {
    try {
      this.onError(error, key);
    } catch {
      // The error handler failed too; there is nowhere left to report to.
    }
  }
}

/** Default error handler: surfaces the error as a process warning instead of swallowing it. */
export function warnWatchError(error: unknown, key: string): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.emitWarning(`coordinator watch callback for ${key} threw: ${detail}`, {
    code: 'QUIVER_WATCH_CALLBACK_ERROR',
  });
}
