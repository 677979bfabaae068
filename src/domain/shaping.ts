/**
 * Destination shaping (issue 21) as data and pure rules: which rule a recipient domain falls under
 * (by the domain itself, else by the host names of its MX records), and how a destination's rate
 * recovers after a pushback halved it. The rules in force are the operator's file
 * (`MAILROUTE_SHAPING`) first, then the built-in ones (`shaping-defaults.ts`) it does not replace;
 * the first rule that matches wins. A domain no rule matches is not shaped.
 *
 * A rule's limits hold across every worker process (leases and tokens in the database,
 * `delivery/shared-limits.ts`); its pushback rules read what the one reply classifier
 * (`smtp-reply.ts`) said, next to it in `shaping-pushback.ts`.
 */

/** Pause the destination for `minutes`, or halve its rate and double it back every `recoverMinutes`. */
export type PushbackAction = { kind: 'pause'; minutes: number } | { kind: 'halve'; recoverMinutes: number };

export interface PushbackRule {
  /** A regular expression (case-insensitive) the server's reply must match, e.g. `4\.7\.28`. */
  reply?: string;
  /** The reply classifier's rule id the reply must have been given, e.g. `slowdown.rate-limited`. */
  classifiedAs?: string;
  action: PushbackAction;
}

export interface ShapingRule {
  /** The destination's name: its state (pause, rate) is kept under it. */
  id: string;
  /** Recipient domains, exact (`gmail.com`). */
  domains: readonly string[];
  /** MX host names: `*.google.com` for any host under google.com, or one exact host name. */
  mxSuffixes: readonly string[];
  /** SMTP sessions open to the destination at once, across all worker processes. */
  maxConnections: number;
  /** Messages (one recipient each) per session before it is closed and a new one opened. */
  messagesPerConnection: number;
  /** Messages per rolling minute across all processes; null: no rate limit. */
  ratePerMinute: number | null;
  pushback: readonly PushbackRule[];
}

/** Rate halvings never go below 1/2^MAX_HALVINGS of the rule's rate. */
export const MAX_HALVINGS = 5;

const lower = (s: string) => s.trim().toLowerCase().replace(/\.$/, '');

function hostMatches(pattern: string, host: string): boolean {
  const p = lower(pattern);
  const h = lower(host);
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  return h === p;
}

/** The rule for a recipient domain by the domain alone, if any. */
export function ruleForDomain(rules: readonly ShapingRule[], domain: string): ShapingRule | undefined {
  const d = lower(domain);
  return rules.find((r) => r.domains.some((x) => lower(x) === d));
}

/** The rule for a recipient domain by its MX host names (the first host that matches a rule). */
export function ruleForMx(
  rules: readonly ShapingRule[],
  mxHosts: readonly string[],
): ShapingRule | undefined {
  for (const host of mxHosts) {
    const r = rules.find((rule) => rule.mxSuffixes.some((p) => hostMatches(p, host)));
    if (r) return r;
  }
  return undefined;
}

/** The rules in force: the operator's first, then each built-in one whose id they do not reuse. */
export function rulesInForce(
  operator: readonly ShapingRule[],
  builtIn: readonly ShapingRule[],
): ShapingRule[] {
  const ids = new Set(operator.map((r) => r.id));
  return [...operator, ...builtIn.filter((r) => !ids.has(r.id))];
}

/** A destination's rate state: how many halvings are in force since `at`. */
export interface RateState {
  halvings: number;
  at: number;
}

/** Halvings still in force at `now`: one is taken back every `recoverMinutes` (step by step). */
export function halvingsAt(state: RateState, recoverMinutes: number, now: number): number {
  if (state.halvings <= 0) return 0;
  const steps =
    recoverMinutes > 0 ? Math.floor((now - state.at) / (recoverMinutes * 60_000)) : state.halvings;
  return Math.max(0, state.halvings - Math.max(0, steps));
}

/** The state after one more halving at `now`. */
export function halved(state: RateState, recoverMinutes: number, now: number): RateState {
  return { halvings: Math.min(MAX_HALVINGS, halvingsAt(state, recoverMinutes, now) + 1), at: now };
}

/** The rate in force: the rule's, halved `halvings` times, never under 1 a minute. */
export function rateWith(ratePerMinute: number | null, halvings: number): number | null {
  if (ratePerMinute === null) return null;
  return Math.max(1, Math.floor(ratePerMinute / 2 ** halvings));
}

/** How long a halving takes to recover for this rule (the first halve rule's; 10 minutes without one). */
export function recoverMinutesOf(rule: ShapingRule): number {
  for (const p of rule.pushback) if (p.action.kind === 'halve') return p.action.recoverMinutes;
  return 10;
}
