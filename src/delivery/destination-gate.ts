/**
 * Destination shaping on the platform's direct delivery (issue 21): the rule a recipient domain
 * falls under (by the domain, else by its MX host names), then, before sending, the destination's
 * pause, a connection lease under its `maxConnections` and a send under its rate (halved by
 * pushbacks, recovering step by step), all shared by every worker process. After a failed attempt
 * the rule's pushback patterns, read next to the reply classifier (`domain/shaping-pushback.ts`),
 * may pause the destination or halve its rate. With a smarthost nothing is shaped: connections go
 * to the smarthost, which shapes its own.
 */
import type { AppContext } from '../context.js';
import {
  halved,
  halvingsAt,
  rateWith,
  recoverMinutesOf,
  ruleForDomain,
  ruleForMx,
  type ShapingRule,
} from '../domain/shaping.js';
import { pushbackFor } from '../domain/shaping-pushback.js';
import {
  type DestinationState,
  pauseDestination,
  readStates,
  setHalvings,
} from '../store/repos/destination-states.js';
import type { SendPools } from '../transports/smtp-pools.js';
import type { ConnectionLeases } from './connection-leases.js';
import type { AttemptResult } from './outcome.js';
import type { SharedRate } from './shared-rate.js';

export type Gate =
  | { kind: 'open'; pools: SendPools; release(): void; rule?: ShapingRule }
  | { kind: 'wait'; until: number; cause: 'paused' | 'rate' | 'connections'; reply?: string };

/** How long a domain's rule (found through its MX) and a destination's state are kept in a process. */
const RULE_TTL_MS = 5 * 60_000;
const STATE_TTL_MS = 1_000;
/** When a destination's connections are all taken elsewhere, come back after this long. */
const BUSY_WAIT_MS = 2_000;

export const destinationKeys = (id: string) => ({ conn: `conn:dest:${id}`, rate: `rate:dest:${id}` });

export class DestinationGate {
  private rules = new Map<string, { rule: ShapingRule | undefined; at: number }>();
  private states = new Map<string, { state: DestinationState | undefined; at: number }>();

  constructor(
    private ctx: AppContext,
    private pools: SendPools,
    private leases: ConnectionLeases,
    private rate: SharedRate,
  ) {}

  /** The rule a recipient domain falls under; undefined: not shaped. */
  async ruleFor(domain: string): Promise<ShapingRule | undefined> {
    const rules = this.ctx.config.shaping;
    if (rules.length === 0 || this.ctx.config.platformSmtp.kind !== 'direct') return undefined;
    const direct = ruleForDomain(rules, domain);
    if (direct) return direct;
    const hit = this.rules.get(domain);
    const real = Date.now();
    if (hit && real - hit.at < RULE_TTL_MS) return hit.rule;
    let rule: ShapingRule | undefined;
    try {
      const mx = await this.ctx.dns.mx(domain);
      rule = ruleForMx(
        rules,
        [...mx].sort((a, b) => a.priority - b.priority).map((m) => m.exchange),
      );
    } catch {
      return undefined; // the attempt's own lookup will say what is wrong with the domain
    }
    if (this.rules.size >= 10_000) this.rules.delete(this.rules.keys().next().value!);
    this.rules.set(domain, { rule, at: real });
    return rule;
  }

  private async state(id: string): Promise<DestinationState | undefined> {
    const hit = this.states.get(id);
    const real = Date.now();
    if (hit && real - hit.at < STATE_TTL_MS) return hit.state;
    const state = (await readStates(this.ctx.store.db, [id])).get(id);
    this.states.set(id, { state, at: real });
    return state;
  }

  /** Whether a delivery to `domain` may go now, and on which connection. */
  async admit(domain: string, now: number): Promise<Gate> {
    const rule = await this.ruleFor(domain);
    if (!rule) return { kind: 'open', pools: this.pools, release: () => undefined };
    const state = await this.state(rule.id);
    if (state?.paused_until && state.paused_until > now)
      return {
        kind: 'wait',
        until: state.paused_until,
        cause: 'paused',
        reply: state.paused_reply ?? undefined,
      };
    const keys = destinationKeys(rule.id);
    const lease = await this.leases.acquire(keys.conn, rule.maxConnections, rule.messagesPerConnection);
    if (!lease) return { kind: 'wait', until: now + BUSY_WAIT_MS, cause: 'connections' };
    // A pushback may have paused it while this delivery waited for a connection.
    const paused = await this.state(rule.id);
    if (paused?.paused_until && paused.paused_until > now) {
      lease.release();
      return {
        kind: 'wait',
        until: paused.paused_until,
        cause: 'paused',
        reply: paused.paused_reply ?? undefined,
      };
    }
    const halvings = paused
      ? halvingsAt({ halvings: paused.halvings, at: paused.halved_at }, recoverMinutesOf(rule), now)
      : 0;
    const perMinute = rateWith(rule.ratePerMinute, halvings);
    if (perMinute !== null) {
      const at = await this.rate.take(keys.rate, perMinute, now);
      if (at > now) {
        lease.release();
        return { kind: 'wait', until: at, cause: 'rate' };
      }
    }
    return { kind: 'open', pools: lease.pools, release: lease.release, rule };
  }

  /**
   * A failed attempt's pushback: pauses the destination (returns until when) or halves its rate
   * (returns undefined, as for a reply that is no pushback).
   */
  async pushback(rule: ShapingRule, result: AttemptResult, now: number): Promise<number | undefined> {
    if (!result.classification) return undefined;
    const action = pushbackFor(rule, result.classification, result.reply);
    if (!action) return undefined;
    const db = this.ctx.store.db;
    this.states.delete(rule.id);
    if (action.kind === 'pause') {
      const until = now + action.minutes * 60_000;
      await pauseDestination(db, rule.id, until, result.reply, now);
      this.ctx.log.warn(
        { event: 'destination.paused', destination: rule.id, until: new Date(until).toISOString() },
        'destination pushed back: paused',
      );
      return until;
    }
    const current = (await readStates(db, [rule.id])).get(rule.id);
    const next = halved(
      { halvings: current?.halvings ?? 0, at: current?.halved_at ?? now },
      action.recoverMinutes,
      now,
    );
    await setHalvings(db, rule.id, next.halvings, next.at, result.reply);
    this.ctx.log.warn(
      {
        event: 'destination.slowed',
        destination: rule.id,
        perMinute: rateWith(rule.ratePerMinute, next.halvings),
      },
      'destination pushed back: rate halved',
    );
    return undefined;
  }
}
