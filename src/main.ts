/**
 * The composition root: configuration → database (migrated) → secrets → first-start bootstrap →
 * HTTP server, bounce listener, SMTP submission server and delivery worker. Starts the parts, and stops them in reverse order
 * on SIGTERM/SIGINT.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildServer } from './api/server.js';
import { decoyHash } from './auth/passwords.js';
import { classify } from './bounces/classify.js';
import type { BounceListener } from './bounces/listener.js';
import { BounceMailboxPoller } from './bounces/mailbox-poller.js';
import type { Config } from './config/load.js';
import type { AppContext } from './context.js';
import { Worker } from './delivery/worker.js';
import { oneClickCapable } from './domain/unsubscribe-token.js';
import { type ContextOptions, openContext } from './open-context.js';
import { dropAbandonedIntakes } from './queue/enqueue.js';
import { announceQueued } from './queue/wakeups.js';
import { ArchiveRetentionJob } from './services/archive-retention.js';
import { bootstrap } from './services/orgs.js';
import type { SubmissionServer } from './submission/server.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';

export { type ContextOptions, openContext } from './open-context.js';

export interface AppOptions extends ContextOptions {
  /** Run the HTTP server (default true). */
  http?: boolean;
  /** Run a delivery worker (default true). */
  worker?: boolean;
  /** Run the bounce listener (default: when the HTTP server runs; `worker` processes have none). */
  bounces?: boolean;
  /** Port of the bounce listener instead of the configured one (0: any free port, for tests). */
  bouncePort?: number;
  /** Run the SMTP submission server (default: when the HTTP server runs). */
  submission?: boolean;
  leaseMs?: number;
}

export interface App {
  ctx: AppContext;
  http: FastifyInstance;
  worker: Worker | undefined;
  bounces: BounceListener | undefined;
  submission: SubmissionServer | undefined;
  /** Listens on the configured (or given) port; returns the bound port. */
  listen(port?: number): Promise<number>;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const ctx = await openContext(config, options);
  if (options.worker !== false && !oneClickCapable(config.http.publicUrl))
    ctx.log.warn(
      { event: 'config.public_url_not_https', publicUrl: config.http.publicUrl },
      'MAILROUTE_PUBLIC_URL is not https: mass email gets a List-Unsubscribe header without List-Unsubscribe-Post, since one-click unsubscribe (RFC 8058) needs an https URL, and large mailbox providers require it of bulk senders',
    );
  await bootstrap(ctx);
  // Mail queued here wakes the workers of every process (PostgreSQL; `queue/wakeups.ts`).
  const stopAnnouncing = announceQueued(ctx.store, ctx.events, ctx.log);
  if (options.http !== false && ctx.store.dialect === 'sqlite') {
    const dropped = await dropAbandonedIntakes(ctx.store.db);
    if (dropped.length > 0)
      ctx.log.warn(
        { event: 'intake.abandoned_dropped', messages: dropped },
        `removed ${dropped.length} mass emails whose intake a stopped process left unfinished (never accepted)`,
      );
  }
  // The decoy hash that sign-ins of unknown emails are checked against, made now rather than by the
  // first of them.
  if (options.http !== false) void decoyHash(ctx.passwordHashing);
  const http = options.http === false ? undefined : await buildServer(ctx);
  // The bounce listener and the submission server (with their SMTP server library) are loaded only
  // by a process that runs them: `mailroute worker` processes run neither.
  const bounces =
    (options.bounces ?? options.http !== false)
      ? await import('./bounces/listener.js')
          .then(({ startBounceListener }) =>
            startBounceListener(ctx, {
              port: options.bouncePort ?? config.bounceSmtpPort,
              host: config.bounceSmtpHost,
              ...config.bounceSmtpLimits,
            }),
          )
          .catch(async (err) => {
            await ctx.store.close();
            throw err;
          })
      : undefined;
  const submission =
    (options.submission ?? options.http !== false)
      ? await import('./submission/server.js')
          .then(({ startSubmissionServer }) => startSubmissionServer(ctx))
          .catch(async (err) => {
            await bounces?.close();
            await ctx.store.close();
            throw err;
          })
      : undefined;
  if (submission) ctx.listening = { submission: { port: submission.port, tlsPort: submission.tlsPort } };
  const worker =
    options.worker === false
      ? undefined
      : new Worker(ctx, {
          concurrency: config.workerConcurrency,
          leaseMs: options.leaseMs,
          classifyBounce: classify,
        });
  await worker?.start();
  // Archive retention and event webhooks run with the worker.
  const archiveRetention = worker ? new ArchiveRetentionJob(ctx) : undefined;
  archiveRetention?.start();
  const webhooks = worker ? new WebhookDispatcher(ctx) : undefined;
  webhooks?.start();
  // Bounce mailboxes (IMAP) are polled by worker processes.
  const mailboxes = worker
    ? new BounceMailboxPoller(ctx, { intervalMs: config.bounceMailboxPollMs })
    : undefined;
  mailboxes?.start();
  let closed = false;
  return {
    ctx,
    http: http as FastifyInstance,
    worker,
    bounces,
    submission,
    async listen(port = config.http.port) {
      if (!http) throw new Error('this process runs no HTTP server');
      await http.listen({ port, host: config.http.host });
      const address = http.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      ctx.log.info(
        { event: 'http.listening', port: bound, host: config.http.host },
        `mailroute listening on http://${config.http.host}:${bound}`,
      );
      return bound;
    },
    async close() {
      if (closed) return;
      closed = true;
      await submission?.close();
      await bounces?.close();
      if (http) await closeHttp(http, config.http.graceMs);
      await webhooks?.stop();
      await archiveRetention?.stop();
      await mailboxes?.stop();
      await worker?.stop();
      stopAnnouncing();
      await ctx.store.close();
    },
  };
}

/**
 * Stops accepting connections and lets requests in progress finish, for at most `graceMs`: a
 * client that stops reading a response would otherwise hold the whole shutdown, and with it the
 * deliveries in flight, until the process is killed.
 */
async function closeHttp(http: FastifyInstance, graceMs: number): Promise<void> {
  const timer = setTimeout(() => http.server.closeAllConnections(), graceMs);
  try {
    await http.close();
  } finally {
    clearTimeout(timer);
  }
}

/** Stops the app on SIGTERM/SIGINT: in-flight requests finish, then the database closes. */
export function stopOnSignals(app: App, log: Logger): void {
  const stop = (signal: string) => {
    log.info({ event: 'process.stopping', signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    app.close().then(
      () => {
        log.info({ event: 'process.stopped' }, 'stopped');
        process.exit(0);
      },
      (err) => {
        log.error({ err, event: 'process.stop_failed' }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
