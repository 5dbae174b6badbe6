/**
 * The operational endpoints every quiver HTTP listener serves: `GET /healthz` (the process runs
 * its event loop: always 200), `GET /readyz` (200 when every readiness check passes, else 503
 * naming what is not ready) and `GET /metrics` (Prometheus text exposition).
 */
import type { Hono } from 'hono';
import { evaluateReadiness, type ReadinessCheck } from './readiness.ts';
import type { PromMetrics } from './prom-metrics.ts';

export const HEALTH_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

export interface HealthRoutesOptions {
  /** Read at each request, so checks added after mounting count too. */
  checks: () => ReadinessCheck[];
  metrics: PromMetrics;
  /** Per-check timeout, ms. */
  checkTimeoutMs?: number;
}

/** Adds the three endpoints to the app. */
export function mountHealthRoutes(app: Hono, o: HealthRoutesOptions): void {
  app.get(HEALTH_PATHS.health, (c) => c.json({ status: 'ok' }));
  app.get(HEALTH_PATHS.ready, async (c) => {
    const report = await evaluateReadiness(o.checks(), o.checkTimeoutMs);
    return c.json({ status: report.ready ? 'ready' : 'not ready', checks: report.checks, notReady: report.notReady }, report.ready ? 200 : 503);
  });
  app.get(HEALTH_PATHS.metrics, async (c) => {
    const { contentType, body } = await o.metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType });
  });
}
