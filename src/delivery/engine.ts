/**
 * The delivery stage (Postfix's `smtp` with qmgr's routing decision): for one claimed delivery,
 * try the candidate relays in order within their caps and pace, fall back to platform delivery
 * when a relay cannot take it (unless the org keeps mail on its relays), and end in one state
 * transition with every attempt recorded. Relay recipient/content rejections do not fall back.
 */
import type { AppContext } from '../context.js';
import type { SigningKey } from '../dkim/sign.js';
import { retryPolicyFor } from '../domain/retry-schedules.js';
import { type ReturnPathRoute, returnPath, returnPathKind } from '../domain/return-path.js';
import type { FallbackCause, RouteDecision } from '../domain/route-reasons.js';
import { candidateRelays, hasRelaysFor, passedOver, whenNoRelaySent } from '../domain/routing.js';
import { type SmtpBounce, type SmtpBounceClassifier, smtpBounceOf } from '../domain/smtp-bounce.js';
import { dayKey } from '../domain/time-zone.js';
import type { CounterKey } from '../queue/counters.js';
import { RelaySlots } from '../queue/relay-slots.js';
import { type AttemptRecord, type Transition, TransitionWriter } from '../queue/transitions.js';
import { archiveSent } from '../store/archive-codec.js';
import { bounceHandlingOf } from '../store/repos/relays.js';
import type { DeliveriesTable, MessagesTable, RelaysTable } from '../store/schema.js';
import { SmtpPools } from '../transports/smtp-pools.js';
import { recordRelayFailure } from './breaker.js';
import { unsubscribeKey, verpKey } from './derived-keys.js';
import { type OrgState, OrgStates } from './org-state.js';
import type { AttemptResult } from './outcome.js';
import { attemptPlatform } from './platform-attempt.js';
import { ComposeError, type Prepared, prepare } from './prepare.js';
import { RelayAdmission } from './relay-admission.js';
import { attemptRelay } from './relay-attempt.js';
import { RelayPace } from './relay-pace.js';
import { type OrgRelays, RelayStates } from './relay-states.js';
import { RouteLog } from './route-log.js';
import { Shaping } from './shaping.js';
import { SigningKeys } from './signing-keys.js';
import {
  bouncedTransition,
  failedTransition,
  retryOrFailTransition,
  sentTransition,
  waitTransition,
} from './transition-of.js';

/** An org as one delivery is routed: its cached settings and domains, its relays as they are now. */
type Org = OrgState & OrgRelays;

type Done = { transition: Transition; archive?: Prepared; counters?: { key: CounterKey; n: number }[] };

const MESSAGE_CACHE = 2000;
/** How long a paused org's mass delivery waits before it is looked at again (resuming wakes it). */
const PAUSED_WAIT_MS = 5 * 60_000;

/** mailroute's own notices (`system` mail) never use relays: no need to read them. */
const NO_RELAYS: Promise<OrgRelays> = Promise.resolve({ candidates: [] });

export class DeliveryEngine {
  readonly pools = new SmtpPools();
  private keys: SigningKeys;
  private orgs: OrgStates;
  private pace = new RelayPace();
  private turns = new Map<string, number>();
  private writer: TransitionWriter;
  private slots: RelaySlots;
  private admission: RelayAdmission;
  private messages = new Map<string, Promise<MessagesTable>>();
  private relayStates: RelayStates;
  private shaping: Shaping;

  /** `classifyBounce`: the bounce classifier (`bounces/classify.ts`), for refusals that are bounces. */
  constructor(
    private ctx: AppContext,
    private owner: string,
    private classifyBounce: SmtpBounceClassifier,
  ) {
    this.keys = new SigningKeys(ctx);
    this.orgs = new OrgStates(ctx);
    this.writer = new TransitionWriter(ctx.store, ctx.config.timeZone);
    this.slots = new RelaySlots(ctx.store.db);
    this.admission = new RelayAdmission(this.pace, this.slots);
    this.relayStates = new RelayStates(ctx.store.db);
    this.shaping = new Shaping(ctx, this.pools, owner);
  }

  /**
   * Messages never change once accepted: read each once. The read itself is shared, so the
   * deliveries of one mass email claimed together wait for one query instead of each sending one.
   */
  private message(id: string): Promise<MessagesTable> {
    const hit = this.messages.get(id);
    if (hit) return hit;
    const read = this.ctx.store.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    read.catch(() => this.messages.delete(id));
    if (this.messages.size >= MESSAGE_CACHE) this.messages.delete(this.messages.keys().next().value!);
    this.messages.set(id, read);
    return read;
  }

  /** Hands unused relay-cap reservations back (the worker calls this when it falls idle). */
  idle(): Promise<void> {
    return this.slots.releaseUnused();
  }

  /**
   * Routes, sends and records one claimed delivery. `message`: its message when the caller has it
   * (intake handed both over), else read.
   */
  async process(d: DeliveriesTable, message?: MessagesTable): Promise<void> {
    const attempts: AttemptRecord[] = [];
    let done: Done;
    try {
      // The relays are read now, for this batch, never from a cache: another process may have
      // suspended or disabled one a moment ago.
      const [m, org, relays] = await Promise.all([
        message ?? this.message(d.message_id),
        this.orgs.get(d.org_id),
        d.type === 'system' ? NO_RELAYS : this.relayStates.read(d.org_id),
      ]);
      done = await this.route(d, m, { ...org, ...relays }, attempts);
    } catch (err) {
      if (err instanceof ComposeError) done = this.cannotCompose(d, err, attempts);
      else done = this.internalError(d, err);
    }
    const now = this.ctx.clock.now();
    const ok = await this.writer.write({
      delivery: d,
      owner: this.owner,
      transition: done.transition,
      attempts,
      now,
      archive: done.archive && { stored: archiveSent(done.archive.raw) },
      counters: done.counters,
    });
    if (!ok) {
      this.ctx.log.warn(
        { event: 'delivery.lease_lost', delivery: d.id },
        'lease lost before the result was written',
      );
      return;
    }
    this.ctx.log.info(
      {
        event: `delivery.${done.transition.status}`,
        delivery: d.id,
        route: done.transition.route ?? d.route,
        ...(done.transition.bounce && {
          bounceClass: done.transition.bounce.class,
          bounceReason: done.transition.bounce.reason,
          bounceRule: done.transition.bounce.ruleId,
        }),
      },
      `delivery ${done.transition.status}`,
    );
  }

  /** An unexpected error inside mailroute: a temporary failure, retried with backoff. */
  private internalError(d: DeliveriesTable, err: unknown): Done {
    this.ctx.log.error(
      { err, event: 'delivery.internal_error', delivery: d.id },
      'delivery failed inside mailroute; retrying later',
    );
    return {
      transition: retryOrFailTransition(d, this.ctx.clock.now(), {
        status: '4.3.0',
        reply: `internal error: ${(err as Error).message}`,
      }),
    };
  }

  /**
   * The stored message cannot be composed for this delivery, and never will be: it fails at once
   * (5.6.0, "other or undefined media error"), with an attempt recorded and `delivery.failed`.
   */
  private cannotCompose(d: DeliveriesTable, err: ComposeError, attempts: AttemptRecord[]): Done {
    const status = '5.6.0';
    const reply = err.message.slice(0, 1000);
    this.ctx.log.warn(
      { event: 'delivery.compose_failed', delivery: d.id, reason: reply },
      'delivery cannot be composed',
    );
    attempts.push({
      at: this.ctx.clock.now(),
      route: d.route ?? 'platform',
      relay_id: null,
      host: null,
      action: 'failed',
      status,
      reply,
      rule_id: null,
      duration_ms: 0,
    });
    return { transition: failedTransition({ status, reply }) };
  }

  private async route(
    d: DeliveriesTable,
    m: MessagesTable,
    org: Org,
    attempts: AttemptRecord[],
  ): Promise<Done> {
    const now = this.ctx.clock.now();
    // Mass email of an org the complaint-rate guard paused waits, without an attempt, until resumed.
    if (d.type === 'mass' && org.massPaused) return { transition: waitTransition(now + PAUSED_WAIT_MS) };
    const tried = new Set<string>(d.relays_tried ? (JSON.parse(d.relays_tried) as string[]) : []);
    const turnKey = `${d.org_id}:${m.from_domain}:${d.type}`;
    const turn = this.turns.get(turnKey) ?? 0;
    this.turns.set(turnKey, turn + 1);
    const query = { domainId: org.domains.get(m.from_domain), type: d.type, now, tried, turn };
    const candidates = candidateRelays(org.candidates, query);
    // Why each relay was taken or passed over (issue 19), stored with the transition.
    const routeLog = new RouteLog(candidates, passedOver(org.candidates, query));
    const decided = (done: Done, route: RouteDecision, because?: FallbackCause): Done => ({
      ...done,
      transition: { ...done.transition, reasons: routeLog.decided(route, because) },
    });
    for (const { row: relay } of candidates) {
      const admission = await this.admission.admit(
        this.shaping.paced(relay),
        d.org_id,
        org.settings.timeZone,
        now,
      );
      if (admission.kind === 'paced') {
        const until = new Date(admission.until).toISOString();
        routeLog.add(
          admission.cause === 'slowdown'
            ? { relay: relay.id, code: 'slowed', until }
            : { relay: relay.id, code: 'paced', until, perMinute: relay.rate_limit_per_minute ?? 0 },
        );
        return decided({ transition: waitTransition(admission.until) }, 'wait');
      }
      if (admission.kind === 'full') {
        routeLog.add({ relay: relay.id, code: 'cap', used: admission.limit, limit: admission.limit });
        tried.add(relay.id);
        continue;
      }
      let result: Awaited<ReturnType<DeliveryEngine['throughRelay']>>;
      try {
        result = await this.throughRelay(d, m, org, relay, now);
      } catch (err) {
        admission.release(); // e.g. a delivery that cannot be composed: nothing was sent
        throw err;
      }
      if ('until' in result) {
        // Connections or rate shared by every process (issue 21) say: later.
        admission.release();
        const until = new Date(result.until).toISOString();
        routeLog.add({ relay: relay.id, code: 'paced', until, perMinute: relay.rate_limit_per_minute ?? 0 });
        return decided({ transition: waitTransition(result.until) }, 'wait');
      }
      attempts.push(result.record);
      if (result.sent) {
        // The relay's failure count is reset in the commit of this transition (`queue/transitions.ts`).
        this.pace.succeeded(relay.id);
        routeLog.add({ relay: relay.id, code: 'sent' });
        const kind = returnPathKind({ bounceHandling: bounceHandlingOf(relay) });
        return decided(
          { transition: sentTransition(relay.id, result.reply, now, kind), archive: result.prepared },
          'relay',
        );
      }
      admission.release();
      const outcome = await this.relayFailed(d, org, relay, result, tried, routeLog);
      if (outcome) return decided(outcome.done, outcome.route, outcome.because);
    }
    const hasRelays = hasRelaysFor(org.candidates, query);
    const because: FallbackCause =
      d.type === 'system' ? 'system' : hasRelays ? 'none_could_take' : 'no_relay';
    if (whenNoRelaySent(org.settings.relayFallback, hasRelays) === 'retry') {
      const transition = retryOrFailTransition(
        d,
        now,
        {
          status: '4.4.0',
          reply: 'no relay could take the delivery; the org keeps mail on its relays',
          tried: [...tried],
        },
        retryPolicyFor(org.settings.retrySchedules, d.type),
      );
      return decided({ transition }, 'retry', because);
    }
    return decided(await this.throughPlatform(d, m, org, attempts), 'platform', because);
  }

  /** Handles a relay attempt that did not send; returns the end state, or undefined to try the next route. */
  private async relayFailed(
    d: DeliveriesTable,
    org: Org,
    relay: RelaysTable,
    result: AttemptResult & { prepared?: Prepared },
    tried: Set<string>,
    routeLog: RouteLog,
  ): Promise<{ done: Done; route: RouteDecision; because?: FallbackCause } | undefined> {
    const c = result.classification!;
    const now = this.ctx.clock.now();
    const reply = { status: c.status, reply: result.reply };
    if (c.action === 'bounce') {
      routeLog.add({ relay: relay.id, code: 'bounced', status: c.status, rule: c.ruleId });
      return {
        done: { transition: bouncedTransition(relay.id, reply, this.bounceOf(result)) },
        route: 'relay',
      };
    }
    if (c.action === 'slowdown') {
      const at = this.pace.slowDown(relay.id, now);
      routeLog.add({ relay: relay.id, code: 'slowed', until: new Date(at).toISOString(), status: c.status });
      return {
        done: { transition: waitTransition(at, { ...reply, slowdowns: d.slowdowns + 1 }) },
        route: 'wait',
      };
    }
    routeLog.failed(relay.id, c);
    if (c.breaker) await recordRelayFailure(this.ctx, relay, org.settings.timeZone, result.reply);
    tried.add(relay.id);
    if (org.settings.relayFallback === 'retry') {
      const policy = retryPolicyFor(org.settings.retrySchedules, d.type);
      const transition = retryOrFailTransition(d, now, { ...reply, tried: [] }, policy);
      return { done: { transition }, route: 'retry', because: 'none_could_take' };
    }
    return undefined;
  }

  private async throughRelay(
    d: DeliveriesTable,
    m: MessagesTable,
    org: Org,
    relay: RelaysTable,
    now: number,
  ): Promise<(AttemptResult & { prepared?: Prepared }) | { until: number }> {
    const key = relay.dkim_signing === 1 ? await this.keys.domainKey(d.org_id, m.from_domain) : undefined;
    const prepared = await this.prepareFor(d, m, org, { bounceHandling: bounceHandlingOf(relay) }, key);
    // The connection is leased once the message is ready, so composing never holds one (issue 21).
    const gate = await this.shaping.relay(relay, now);
    if (gate.kind === 'wait') return { until: gate.until };
    try {
      const result = await attemptRelay(
        this.ctx,
        gate.pools,
        relay,
        prepared,
        d.recipient,
        org.dataCenter.egressAddress,
      );
      return { ...result, prepared };
    } finally {
      gate.release();
    }
  }

  /** The message as it leaves by this route: its return path, composed and signed. */
  private prepareFor(
    d: DeliveriesTable,
    m: MessagesTable,
    org: Org,
    route: ReturnPathRoute,
    key: SigningKey | undefined,
  ): Promise<Prepared> {
    const envelopeFrom = returnPath({
      route,
      deliveryId: d.id,
      from: m.from_address,
      bounceDomain: org.dataCenter.bounceDomain,
      verpKey: verpKey(this.ctx),
    });
    const unsubscribe =
      m.type === 'mass' || (m.type === 'workflow' && org.settings.workflowUnsubscribe)
        ? {
            key: unsubscribeKey(this.ctx),
            publicUrl: this.ctx.config.http.publicUrl,
            bounceDomain: org.dataCenter.bounceDomain,
          }
        : undefined;
    return prepare(m, d, key, envelopeFrom, this.ctx.clock.now(), unsubscribe);
  }

  private async throughPlatform(
    d: DeliveriesTable,
    m: MessagesTable,
    org: Org,
    attempts: AttemptRecord[],
  ): Promise<Done> {
    const now = this.ctx.clock.now();
    const key =
      (await this.keys.domainKey(d.org_id, m.from_domain)) ??
      (await this.keys.platformKey(org.dataCenter.bounceDomain));
    const prepared = await this.prepareFor(d, m, org, 'platform', key);
    // The destination's shaping (issue 21): its pause, connections and rate, shared by every process;
    // the connection is leased once the message is ready, so composing never holds one.
    const gate = await this.shaping.destination(d.recipient_domain, now);
    if (gate.kind === 'wait') return { transition: waitTransition(gate.until) };
    let result: AttemptResult;
    try {
      result = await attemptPlatform(
        this.ctx,
        gate.pools,
        prepared,
        d.recipient,
        d.recipient_domain,
        org.dataCenter.egressAddress,
      );
    } finally {
      gate.release();
    }
    attempts.push(result.record);
    const pausedUntil = gate.rule && !result.sent && (await this.shaping.pushback(gate.rule, result, now));
    if (pausedUntil) {
      const reply = { status: result.classification!.status, reply: result.reply };
      return { transition: waitTransition(pausedUntil, { ...reply, slowdowns: d.slowdowns + 1 }) };
    }
    if (result.sent) {
      const platformUsage = {
        key: { orgId: d.org_id, day: dayKey(now, org.settings.timeZone), scope: 'platform' },
        n: 1,
      };
      return {
        counters: [platformUsage],
        transition: sentTransition(null, result.reply, now, returnPathKind('platform')),
        archive: prepared,
      };
    }
    return { transition: this.platformFailed(d, result, org) };
  }

  /** The bounce a failed attempt is, classified, or undefined when it is none (`domain/smtp-bounce.ts`). */
  private bounceOf(result: AttemptResult): SmtpBounce | undefined {
    return smtpBounceOf(this.classifyBounce, result.classification!, result.reply, result.answered);
  }

  private platformFailed(d: DeliveriesTable, result: AttemptResult, org: Org): Transition {
    const c = result.classification!;
    const reply = result.reply;
    if (c.action === 'bounce')
      return bouncedTransition(null, { status: c.status, reply }, this.bounceOf(result));
    return {
      ...retryOrFailTransition(
        d,
        this.ctx.clock.now(),
        { status: c.status, reply, tried: [] },
        retryPolicyFor(org.settings.retrySchedules, d.type),
      ),
      route: 'platform',
      relayId: null,
    };
  }

  async close(): Promise<void> {
    await this.slots.releaseUnused();
    await this.shaping.close();
    this.pools.closeAll();
  }
}
