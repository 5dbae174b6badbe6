/**
 * A broadcast wake-up for waiting consumers. Anything that can make a waiting poll progress
 * (a committed append, a topic created or deleted, a partition handed over, a close) calls
 * notify(); every waiter wakes and re-checks its own condition. Broadcasting keeps the signal
 * free of per-partition bookkeeping; the waiters are few (consumers of one process), so the
 * spurious wake-ups cost little, and polls react to appends without sleeping in a loop.
 */
export class ChangeSignal {
  private waiters = new Set<() => void>();

  /**
   * Resolves on the next notify(), or after `timeoutMs` milliseconds, whichever comes first.
   * Register before releasing the event loop after the last check, so no notification is missed:
   * JavaScript runs the check and this call without interleaving.
   */
  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, timeoutMs));
      this.waiters.add(wake);
    });
  }

  /** Wakes every current waiter. Waiters that register later wait for the next notify(). */
  notify(): void {
    const current = [...this.waiters];
    this.waiters.clear();
    for (const wake of current) wake();
  }
}
