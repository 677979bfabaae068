/**
 * The HTTP requests of the process that serves `/metrics`: counted in its memory, so each sample
 * carries a `process` label (`host:pid`). Other processes serve no HTTP (worker children), so
 * nothing is missing; after a restart the counters start again from zero under a new label.
 */
import { hostname } from 'node:os';
import { Counter, Histogram, type Registry } from 'prom-client';

export const processLabel = (): string => `${hostname()}:${process.pid}`;

/** A request's labels: the route pattern (`/api/v1/relays/:id`), never the raw path. */
export interface RequestLabels {
  method: string;
  route: string;
  statusCode: number;
}

/** The route label of a request no route matched: one value, whatever path was asked for. */
export const UNMATCHED_ROUTE = '(unmatched)';

export interface HttpMetrics {
  observe(labels: RequestLabels, seconds: number): void;
}

export function registerHttpMetrics(registry: Registry, process = processLabel()): HttpMetrics {
  const requests = new Counter({
    name: 'mailroute_http_requests_total',
    help: 'HTTP requests this process answered, by method, route pattern and status code.',
    labelNames: ['process', 'method', 'route', 'status_code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mailroute_http_request_duration_seconds',
    help: 'How long this process took to answer HTTP requests, by method and route pattern.',
    labelNames: ['process', 'method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observe({ method, route, statusCode }, seconds) {
      requests.inc({ process, method, route, status_code: String(statusCode) });
      duration.observe({ process, method, route }, seconds);
    },
  };
}
