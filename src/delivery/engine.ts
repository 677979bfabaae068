/**
 * The delivery stage (Postfix's `smtp` with qmgr's routing decision): for one claimed delivery,
 * try the candidate relays in order within their caps and pace, fall back to platform delivery
 * when a relay cannot take it (unless the org keeps mail on its relays), and end in one state
 * transition with every attempt recorded. Relay recipient/content rejections do not fall back.
 */
import type { AppContext } from '../context.js';
import { defaultRetryPolicy, nextAttempt } from '../domain/retry.js';
import { returnPath } from '../domain/return-path.js';
import { candidateRelays } from '../domain/routing.js';
import type { Classification } from '../domain/smtp-reply.js';
import { dayKey } from '../domain/time-zone.js';
import { add, addWithin, release } from '../queue/counters.js';
import { type AttemptRecord, type Transition, transition } from '../queue/transitions.js';
import { bounceHandlingOf } from '../services/relay-view.js';
import type { DeliveriesTable, MessagesTable, RelaysTable } from '../store/schema.js';
import { SmtpPools } from '../transports/smtp-pools.js';
import { recordRelayFailure, recordRelaySuccess } from './breaker.js';
import { type OrgState, OrgStates } from './org-state.js';
import type { AttemptResult } from './outcome.js';
import { attemptPlatform } from './platform-attempt.js';
import { type Prepared, prepare } from './prepare.js';
import { attemptRelay } from './relay-attempt.js';
import { RelayPace } from './relay-pace.js';
import { SigningKeys } from './signing-keys.js';
import { verpKey } from './verp-key.js';

type Done = { transition: Transition; archive?: Prepared };

export class DeliveryEngine {
  readonly pools = new SmtpPools();
  private keys: SigningKeys;
  private orgs: OrgStates;
  private pace = new RelayPace();
  private turns = new Map<string, number>();

  constructor(
    private ctx: AppContext,
    private owner: string,
  ) {
    this.keys = new SigningKeys(ctx);
    this.orgs = new OrgStates(ctx);
  }

  async process(d: DeliveriesTable): Promise<void> {
    const attempts: AttemptRecord[] = [];
    let done: Done;
    try {
      const m = await this.ctx.store.db
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', d.message_id)
        .executeTakeFirstOrThrow();
      done = await this.route(d, m, await this.orgs.get(d.org_id), attempts);
    } catch (err) {
      this.ctx.log.error(
        { err, event: 'delivery.internal_error', delivery: d.id },
        'delivery failed inside mailroute; retrying later',
      );
      done = {
        transition: this.retryOrExpire(d, {
          status: '4.3.0',
          reply: `internal error: ${(err as Error).message}`,
        }),
      };
    }
    const now = this.ctx.clock.now();
    const ok = await transition(
      this.ctx.store.db,
      d,
      this.owner,
      done.transition,
      attempts,
      now,
      done.archive && { raw: done.archive.raw },
    );
    if (!ok)
      this.ctx.log.warn(
        { event: 'delivery.lease_lost', delivery: d.id },
        'lease lost before the result was written',
      );
    if (ok)
      this.ctx.log.info(
        {
          event: `delivery.${done.transition.status}`,
          delivery: d.id,
          route: done.transition.route ?? d.route,
        },
        `delivery ${done.transition.status}`,
      );
  }

  private async route(
    d: DeliveriesTable,
    m: MessagesTable,
    org: OrgState,
    attempts: AttemptRecord[],
  ): Promise<Done> {
    const now = this.ctx.clock.now();
    const tried = new Set<string>(d.relays_tried ? (JSON.parse(d.relays_tried) as string[]) : []);
    const turnKey = `${d.org_id}:${m.from_domain}:${d.type}`;
    const turn = this.turns.get(turnKey) ?? 0;
    this.turns.set(turnKey, turn + 1);
    const candidates = candidateRelays(org.candidates, {
      domainId: org.domains.get(m.from_domain),
      type: d.type,
      now,
      tried,
      turn,
    });
    let relaysAvailable = candidates.length > 0;
    for (const c of candidates) {
      const relay = org.relays.get(c.id)!;
      const paceAt = this.pace.take(relay.id, relay.rate_limit_per_minute, now);
      if (paceAt > now)
        return { transition: { status: 'queued', nextAttemptAt: paceAt, countsAsAttempt: false } };
      const key = { orgId: d.org_id, day: dayKey(now, org.settings.timeZone), scope: relay.id };
      if ((await addWithin(this.ctx.store.db, key, 1, relay.daily_limit)) === undefined) {
        tried.add(relay.id);
        relaysAvailable = false;
        continue;
      }
      const result = await this.throughRelay(d, m, org, relay);
      attempts.push(result.record);
      if (result.sent) {
        await recordRelaySuccess(this.ctx.store.db, relay.id);
        this.pace.succeeded(relay.id);
        return {
          transition: {
            status: 'sent',
            route: relay.id,
            relayId: relay.id,
            countsAsAttempt: true,
            lastStatus: '2.0.0',
            lastReply: result.reply,
            relaysTried: null,
            sentAt: now,
          },
          archive: result.prepared,
        };
      }
      await release(this.ctx.store.db, key);
      const outcome = await this.relayFailed(d, org, relay, result, tried);
      if (outcome) return outcome;
      relaysAvailable = false;
    }
    if (org.settings.relayFallback === 'retry' && this.orgHasRelaysFor(org, m, d) && !relaysAvailable) {
      return {
        transition: this.retryOrExpire(d, {
          status: '4.4.0',
          reply: 'no relay could take the delivery; the org keeps mail on its relays',
          tried: [...tried],
        }),
      };
    }
    return this.throughPlatform(d, m, org, attempts);
  }

  private orgHasRelaysFor(org: OrgState, m: MessagesTable, d: DeliveriesTable): boolean {
    const domainId = org.domains.get(m.from_domain);
    return (
      d.type !== 'system' &&
      org.candidates.some((c) => c.domainId === domainId && c.emailTypes.includes(d.type as never))
    );
  }

  /** Handles a relay attempt that did not send; returns the end state, or undefined to try the next route. */
  private async relayFailed(
    d: DeliveriesTable,
    org: OrgState,
    relay: RelaysTable,
    result: AttemptResult & { prepared?: Prepared },
    tried: Set<string>,
  ): Promise<Done | undefined> {
    const c = result.classification!;
    const now = this.ctx.clock.now();
    if (c.action === 'bounce') {
      return {
        transition: {
          status: 'bounced',
          route: relay.id,
          relayId: relay.id,
          countsAsAttempt: true,
          lastStatus: c.status,
          lastReply: result.reply,
          relaysTried: null,
        },
      };
    }
    if (c.action === 'slowdown') {
      const at = this.pace.slowDown(relay.id, now);
      return {
        transition: {
          status: 'queued',
          nextAttemptAt: at,
          countsAsAttempt: false,
          slowdowns: d.slowdowns + 1,
          lastStatus: c.status,
          lastReply: result.reply,
        },
      };
    }
    if (
      c.breaker &&
      (await recordRelayFailure(this.ctx, relay, org.settings.timeZone, result.reply)) !== undefined
    )
      this.orgs.forget(d.org_id);
    tried.add(relay.id);
    if (org.settings.relayFallback === 'retry') {
      return { transition: this.retryOrExpire(d, { status: c.status, reply: result.reply, tried: [] }) };
    }
    return undefined;
  }

  private async throughRelay(
    d: DeliveriesTable,
    m: MessagesTable,
    org: OrgState,
    relay: RelaysTable,
  ): Promise<AttemptResult & { prepared?: Prepared }> {
    const now = this.ctx.clock.now();
    const key = relay.dkim_signing === 1 ? await this.keys.domainKey(d.org_id, m.from_domain) : undefined;
    const envelopeFrom = returnPath({
      route: { bounceHandling: bounceHandlingOf(relay) },
      deliveryId: d.id,
      from: m.from_address,
      bounceDomain: org.dataCenter.bounceDomain,
      verpKey: verpKey(this.ctx),
    });
    const prepared = await prepare(m, d, key, envelopeFrom, now);
    const result = await attemptRelay(
      this.ctx,
      this.pools,
      relay,
      prepared,
      d.recipient,
      org.dataCenter.egressAddress,
    );
    return { ...result, prepared };
  }

  private async throughPlatform(
    d: DeliveriesTable,
    m: MessagesTable,
    org: OrgState,
    attempts: AttemptRecord[],
  ): Promise<Done> {
    const now = this.ctx.clock.now();
    const key =
      (await this.keys.domainKey(d.org_id, m.from_domain)) ??
      (await this.keys.platformKey(org.dataCenter.bounceDomain));
    const envelopeFrom = returnPath({
      route: 'platform',
      deliveryId: d.id,
      from: m.from_address,
      bounceDomain: org.dataCenter.bounceDomain,
      verpKey: verpKey(this.ctx),
    });
    const prepared = await prepare(m, d, key, envelopeFrom, now);
    const result = await attemptPlatform(
      this.ctx,
      this.pools,
      prepared,
      d.recipient,
      d.recipient_domain,
      org.dataCenter.egressAddress,
    );
    attempts.push(result.record);
    if (result.sent) {
      await add(
        this.ctx.store.db,
        { orgId: d.org_id, day: dayKey(now, org.settings.timeZone), scope: 'platform' },
        1,
      );
      return {
        transition: {
          status: 'sent',
          route: 'platform',
          relayId: null,
          countsAsAttempt: true,
          lastStatus: '2.0.0',
          lastReply: result.reply,
          relaysTried: null,
          sentAt: now,
        },
        archive: prepared,
      };
    }
    return { transition: this.platformFailed(d, result.classification!, result.reply) };
  }

  private platformFailed(d: DeliveriesTable, c: Classification, reply: string): Transition {
    if (c.action === 'bounce')
      return {
        status: 'bounced',
        route: 'platform',
        relayId: null,
        countsAsAttempt: true,
        lastStatus: c.status,
        lastReply: reply,
        relaysTried: null,
      };
    return {
      ...this.retryOrExpire(d, { status: c.status, reply, tried: [] }),
      route: 'platform',
      relayId: null,
    };
  }

  /** A temporary failure on the final path: retry with backoff, or expire after the queue lifetime. */
  private retryOrExpire(
    d: DeliveriesTable,
    f: { status: string; reply: string; tried?: string[] },
  ): Transition {
    const now = this.ctx.clock.now();
    const next = nextAttempt(defaultRetryPolicy, { attempts: d.attempts + 1, createdAt: d.created_at, now });
    const base = {
      countsAsAttempt: true,
      lastStatus: f.status,
      lastReply: f.reply,
      relaysTried: f.tried ?? null,
    };
    return 'expire' in next
      ? { ...base, status: 'expired' }
      : { ...base, status: 'deferred', nextAttemptAt: next.retryAt };
  }

  close(): void {
    this.pools.closeAll();
  }
}
