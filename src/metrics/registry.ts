/**
 * The metrics of one HTTP server: a registry of its own (never prom-client's global one, so several
 * apps in one process stay apart) holding the database-backed metrics and the process's own HTTP
 * request metrics, written in the Prometheus text format.
 */
import { Registry } from 'prom-client';
import type { AppContext } from '../context.js';
import { registerDatabaseMetrics, sharedSnapshot } from './database-metrics.js';
import { type HttpMetrics, registerHttpMetrics } from './http-metrics.js';

export interface Metrics {
  http: HttpMetrics;
  contentType: string;
  /** The exposition text; reads the database. */
  render(): Promise<string>;
}

export function createMetrics(ctx: AppContext): Metrics {
  const registry = new Registry();
  registerDatabaseMetrics(registry, sharedSnapshot(ctx.store, ctx.clock), ctx.clock);
  const http = registerHttpMetrics(registry);
  return { http, contentType: registry.contentType, render: () => registry.metrics() };
}
