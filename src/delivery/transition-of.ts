/**
 * The ways one delivery's processing can end, as the transitions the queue writes
 * (`queue/transitions.ts`). Each end is built here once; the engine only chooses which.
 */
import { defaultRetryPolicy, nextAttempt, type RetryPolicy } from '../domain/retry.js';
import { expiryReason } from '../domain/retry-schedules.js';
import type { ReturnPathKind } from '../domain/return-path.js';
import type { SmtpBounce } from '../domain/smtp-bounce.js';
import type { Transition } from '../queue/transitions.js';
import type { DeliveriesTable } from '../store/schema.js';

/** A reply and its enhanced status code, as the attempt got them. */
export interface Reply {
  status: string;
  reply: string;
}

/** Handed over: through a relay (its id) or platform delivery (null). */
export function sentTransition(
  relayId: string | null,
  reply: string,
  now: number,
  kind: ReturnPathKind,
): Transition {
  return {
    status: 'sent',
    route: relayId ?? 'platform',
    relayId,
    countsAsAttempt: true,
    lastStatus: '2.0.0',
    lastReply: reply,
    relaysTried: null,
    sentAt: now,
    returnPathKind: kind,
  };
}

/**
 * Refused for good while sending, through a relay (its id) or platform delivery (null); `bounce`,
 * when the refusal is a bounce to record with it (`domain/smtp-bounce.ts`).
 */
export function bouncedTransition(relayId: string | null, r: Reply, bounce?: SmtpBounce): Transition {
  return {
    status: 'bounced',
    route: relayId ?? 'platform',
    relayId,
    countsAsAttempt: true,
    lastStatus: r.status,
    lastReply: r.reply,
    relaysTried: null,
    ...(bounce ? { bounce } : {}),
  };
}

/** Failed for good without a try that could succeed (e.g. it cannot be composed). */
export function failedTransition(r: Reply): Transition {
  return {
    status: 'failed',
    countsAsAttempt: true,
    lastStatus: r.status,
    lastReply: r.reply,
    relaysTried: null,
  };
}

/** Back in the queue until `at`, not counted as an attempt: a paced relay, or one that asked to slow down. */
export function waitTransition(at: number, slowedDown?: { slowdowns: number } & Reply): Transition {
  if (!slowedDown) return { status: 'queued', nextAttemptAt: at, countsAsAttempt: false };
  return {
    status: 'queued',
    nextAttemptAt: at,
    countsAsAttempt: false,
    slowdowns: slowedDown.slowdowns,
    lastStatus: slowedDown.status,
    lastReply: slowedDown.reply,
  };
}

/**
 * A temporary failure on the final path: retry with backoff, or, once the queue lifetime is over,
 * fail for good (R16) with the reason: the maximum age of its type ran out, and the last temporary
 * reply. `tried` are the relays this round already tried (null: start the next round afresh).
 * `policy`: the retry schedule of the delivery's type in its org (`domain/retry-schedules.ts`).
 */
export function retryOrFailTransition(
  d: Pick<DeliveriesTable, 'attempts' | 'created_at' | 'type'>,
  now: number,
  r: Reply & { tried?: string[] },
  policy: RetryPolicy = defaultRetryPolicy,
): Transition {
  const next = nextAttempt(policy, { attempts: d.attempts + 1, createdAt: d.created_at, now });
  const base = {
    countsAsAttempt: true,
    lastStatus: r.status,
    lastReply: r.reply,
    relaysTried: r.tried ?? null,
  };
  return 'expire' in next
    ? { ...base, status: 'failed', lastReply: expiryReason(d.type, policy.maxAgeHours, r.reply) }
    : { ...base, status: 'deferred', nextAttemptAt: next.retryAt };
}
