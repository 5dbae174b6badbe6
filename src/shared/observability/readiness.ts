/**
 * Readiness: a process is ready when every check finds nothing wrong. Checks run concurrently,
 * each bounded by a timeout (a backend that hangs is as unready as one that refuses), and answer
 * the components that are not ready with a reason, so `/readyz` can name them.
 */
import type { Coordinator } from '../ports/coordinator.ts';
import type { Log } from '../ports/log.ts';
import type { ObjectStore } from '../ports/object-store.ts';

/** One component that is not ready, e.g. {component: "log", reason: "unreachable: ..."}. */
export interface NotReady {
  component: string;
  reason: string;
}

export interface ReadinessCheck {
  /** Names the check in reports and in the timeout reason. */
  name: string;
  /** The components found not ready; [] when all is well. May reject (counts as not ready). */
  run(): Promise<NotReady[]>;
}

export interface ReadinessReport {
  ready: boolean;
  /** Names of the checks that ran. */
  checks: string[];
  notReady: NotReady[];
}

/** Longest a single check may take before it counts as not ready, ms. */
export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/** Runs every check (concurrently, each within timeoutMs) and combines their findings. Never rejects. */
export async function evaluateReadiness(checks: ReadinessCheck[], timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check): Promise<NotReady[]> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<NotReady[]>((resolve) => {
        timer = setTimeout(() => resolve([{ component: check.name, reason: `no answer within ${timeoutMs} ms` }]), timeoutMs);
      });
      try {
        return await Promise.race([
          check.run().catch((err: unknown) => [{ component: check.name, reason: `unreachable: ${(err as Error)?.message ?? String(err)}` }]),
          expired,
        ]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const notReady = results.flat();
  return { ready: notReady.length === 0, checks: checks.map((c) => c.name), notReady };
}

/** A check that succeeds when `probe` resolves; its failure is reported as the backend unreachable. */
function probeCheck(name: string, probe: () => Promise<unknown>): ReadinessCheck {
  return {
    name,
    run: async () => {
      await probe();
      return [];
    },
  };
}

/** Key read (never written) to prove the coordinator and the object store answer. */
const PROBE_KEY = 'health/readiness-probe';

/** Reachability of the three backends: log (list topics), object store (head), coordinator (get). */
export function backendChecks(ports: { log: Log; objects: ObjectStore; coordinator: Coordinator }): ReadinessCheck[] {
  return [
    probeCheck('log', () => ports.log.listTopics()),
    probeCheck('objectStore', () => ports.objects.head(PROBE_KEY)),
    probeCheck('coordinator', () => ports.coordinator.get(PROBE_KEY)),
  ];
}
