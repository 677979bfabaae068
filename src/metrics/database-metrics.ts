/**
 * The metrics read from the database at scrape time (`snapshot.ts`): deliveries and attempt latency
 * of the last hour, the queue, bounces, relay suspensions and webhook deliveries. They describe the
 * whole install, whichever process did the work, so they carry no process label. Scrapes that
 * arrive together share one snapshot.
 */
import { Counter, Gauge, Histogram, type MetricType, type Registry } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/db.js';
import { cumulative, LATENCY_BUCKETS_SECONDS, routeKind } from './labels.js';
import { type DatabaseSnapshot, readSnapshot } from './snapshot.js';

/**
 * One snapshot per scrape: the metrics of one scrape all wait for the same read, and scrapes that
 * arrive while a read is under way share it rather than start another.
 */
export function sharedSnapshot(store: Store, clock: Clock): () => Promise<DatabaseSnapshot> {
  let reading: Promise<DatabaseSnapshot> | undefined;
  return () => {
    if (reading) return reading;
    const value = readSnapshot(store.db, clock.now());
    reading = value;
    const done = () => {
      if (reading === value) reading = undefined;
    };
    value.then(done, done);
    return value;
  };
}

/**
 * The attempt latency histogram of the window: its buckets come from the database as they are, so
 * `get()` builds the values itself rather than from observations made in this process.
 */
const LATENCY = 'mailroute_attempt_duration_last_hour_seconds';
const LATENCY_HELP =
  'How long the SMTP attempts of deliveries created in the last hour took, by route (relay or platform) and relay id. A window, not a running total: use histogram_quantile() on it without rate().';

class AttemptLatency extends Histogram<'route' | 'relay' | 'le'> {
  constructor(
    registry: Registry,
    private readonly snapshot: () => Promise<DatabaseSnapshot>,
  ) {
    super({
      name: LATENCY,
      help: LATENCY_HELP,
      labelNames: ['route', 'relay'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    });
  }

  override async get() {
    const s = await this.snapshot();
    const byRelay = new Map<string, { buckets: Map<number, number>; sumMs: number }>();
    for (const a of s.attempts) {
      const key = a.relayId ?? '';
      const entry = byRelay.get(key) ?? { buckets: new Map<number, number>(), sumMs: 0 };
      entry.buckets.set(a.bucket, (entry.buckets.get(a.bucket) ?? 0) + a.count);
      entry.sumMs += a.sumMs;
      byRelay.set(key, entry);
    }
    const name = LATENCY;
    const values = [...byRelay.entries()].flatMap(([relay, { buckets, sumMs }]) => {
      const labels = { route: relay === '' ? 'platform' : 'relay', relay };
      const counts = cumulative(buckets);
      return [
        ...counts.map((c) => ({
          metricName: `${name}_bucket`,
          labels: { ...labels, le: c.le },
          value: c.count,
        })),
        { metricName: `${name}_sum`, labels, value: sumMs / 1000 },
        { metricName: `${name}_count`, labels, value: counts.at(-1)?.count ?? 0 },
      ];
    });
    return {
      name,
      help: LATENCY_HELP, // prom-client's typings name an enum; what it writes is the type's name.
      type: 'histogram' as unknown as MetricType,
      values,
      aggregator: 'sum' as const,
      collect() {},
    };
  }

  /** What the registry calls when it writes the text format. */
  async getForPromString() {
    return this.get();
  }
}

/** Registers the database-backed metrics on `registry`, each filled from `snapshot` when scraped. */
export function registerDatabaseMetrics(
  registry: Registry,
  snapshot: () => Promise<DatabaseSnapshot>,
  clock: Clock,
): void {
  const registers = [registry];
  new Gauge({
    name: 'mailroute_deliveries_last_hour',
    help: 'Deliveries created in the last hour by route (relay, platform, none yet), current status and email type.',
    labelNames: ['route', 'status', 'type'],
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const d of s.deliveries)
        this.inc({ route: routeKind(d.route), status: d.status, type: d.type }, d.count);
    },
  });
  new AttemptLatency(registry, snapshot);
  new Gauge({
    name: 'mailroute_queue_deliveries',
    help: 'Deliveries in the queue: waiting and due (due), waiting for a later time such as a retry (scheduled), or held by a worker (sending).',
    labelNames: ['state'],
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const q of s.queue) this.set({ state: q.state }, q.count);
    },
  });
  new Gauge({
    name: 'mailroute_queue_oldest_due_age_seconds',
    help: 'How long the oldest waiting delivery that is due has been due (0 when none is).',
    registers,
    async collect() {
      const s = await snapshot();
      this.set(s.oldestDueAt === undefined ? 0 : Math.max(0, clock.now() - s.oldestDueAt) / 1000);
    },
  });
  new Counter({
    name: 'mailroute_bounces_total',
    help: 'Bounce and complaint reports recorded, by class.',
    labelNames: ['class'],
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const b of s.bounces) this.inc({ class: b.class }, b.count);
    },
  });
  new Gauge({
    name: 'mailroute_relays_suspended',
    help: 'Relays suspended now by the breaker (three consecutive failures in a day).',
    registers,
    async collect() {
      this.set((await snapshot()).relaysSuspended);
    },
  });
  new Counter({
    name: 'mailroute_relay_suspensions_total',
    help: 'Relay suspensions announced to admins (at most one per relay and org day).',
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      this.inc(s.relaySuspensions);
    },
  });
  new Gauge({
    name: 'mailroute_webhook_deliveries',
    help: 'Webhook deliveries to org endpoints by status, over the 30 days of history kept.',
    labelNames: ['status'],
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const status of ['pending', 'delivered', 'failed']) this.set({ status }, 0);
      for (const w of s.webhookDeliveries) this.set({ status: w.status }, w.count);
    },
  });
}
