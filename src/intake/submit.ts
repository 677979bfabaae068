/**
 * Submission (SPEC R11, R26, §3): checks what the API's schema cannot (the From domain is a
 * verified domain of the org, the message fits the size limit), expands recipients into one
 * delivery each, reserves the plan's daily limit for all of them at once, and hands everything to
 * the one `enqueue()`. A submission that does not fit is refused whole; nothing of it is queued.
 * Suppressed addresses (R20): mass email skips them (recorded as `suppressed`); individual and
 * workflow email to one is refused with 409 naming the field, unless `force: true`, but only when the
 * suppression's scope is `all`: an unsubscribe (scope `mass`) stops mass email alone.
 * With a virus scanner configured (R24), the content is scanned before anything is queued. The
 * org's content rules for the email type (R25) are kept with the message, applied at composition.
 */
import type { Kysely } from 'kysely';
import { partsOf, scanSubmission } from '../antivirus/scan.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { MessageType } from '../domain/email-types.js';
import { AppError, invalidField } from '../domain/errors.js';
import { type Mailbox, parseMailbox } from '../domain/mailbox.js';
import { mergedSubject } from '../domain/merge-fields.js';
import type { Plan } from '../domain/plans.js';
import { typePriority } from '../domain/routing.js';
import { dayKey, nextMidnight } from '../domain/time-zone.js';
import type { HandedDelivery } from '../events.js';
import { addWithin, current } from '../queue/counters.js';
import { enqueueAll, type NewDelivery, type ToEnqueue } from '../queue/enqueue.js';
import type {
  MassEmail,
  MassEmailHead,
  MassRecipient,
  MessageContent,
  MessageSubmit,
} from '../schemas/messages.js';
import { lockedPlanOf, lockOrg, planOf } from '../store/repos/orgs.js';
import { orgSettings } from '../store/repos/settings.js';
import { suppressedAmong } from '../store/repos/suppressions.js';
import type { Database, DeliveriesTable } from '../store/schema.js';
import { writeTransaction } from '../store/write-transaction.js';
import { rulesForSubmission } from './content-rules.js';

export interface Accepted {
  messageId: string;
  deliveries: DeliveriesTable[];
}

const mailbox = (s: string): Mailbox => parseMailbox(s) as Mailbox;
const formatMailbox = (m: Mailbox) =>
  m.name ? `"${m.name.replace(/["\\]/g, '')}" <${m.address}>` : m.address;

export async function checkFromDomain(ctx: AppContext, orgId: string, from: Mailbox): Promise<void> {
  const d = await ctx.store.db
    .selectFrom('domains')
    .select(['verified_at'])
    .where('org_id', '=', orgId)
    .where('name', '=', from.domain)
    .executeTakeFirst();
  if (!d)
    throw invalidField(
      'from',
      `${from.domain} is not a domain of this org; add and verify it first`,
      'domain_not_of_org',
      { domain: from.domain },
      `from: ${from.domain} is not a domain of this org`,
    );
  if (d.verified_at === null)
    throw invalidField(
      'from',
      `${from.domain} is not verified yet; publish its TXT record and verify it`,
      'domain_not_verified',
      { domain: from.domain },
      `from: ${from.domain} is not verified yet`,
    );
}

/** Approximate size of the composed message: what the size limit is about. */
export function contentSize(c: {
  subject: string;
  text?: string;
  html?: string;
  attachments?: { content: string }[];
}): number {
  const attachments = (c.attachments ?? []).reduce((n, a) => n + Math.ceil((a.content.length * 3) / 4), 0);
  return (
    Buffer.byteLength(c.subject) +
    Buffer.byteLength(c.text ?? '') +
    Buffer.byteLength(c.html ?? '') +
    attachments
  );
}

export function checkSize(ctx: AppContext, size: number): void {
  if (size > ctx.config.maxMessageBytes) {
    throw new AppError(
      'payload_too_large',
      `the message is ${size} bytes; the limit is ${ctx.config.maxMessageBytes} (MAILROUTE_MAX_MESSAGE_BYTES)`,
    );
  }
}

export interface Submission {
  type: MessageType;
  from: Mailbox;
  content: MessageContent;
  metadata: Record<string, unknown> | undefined;
  deliveries: NewDelivery[];
  size: number;
}

interface AcceptAt {
  now: number;
  day: string;
  timeZone: string;
  plan: Plan;
}

/** Inside the caller's transaction: counts `queued` deliveries against the plan's daily limit, or refuses them all. */
async function reserveWithin(
  trx: Kysely<Database>,
  orgId: string,
  queued: number,
  at: AcceptAt,
): Promise<void> {
  const { now, day, timeZone, plan } = at;
  const key = { orgId, day, scope: 'plan' };
  if (queued > 0 && (await addWithin(trx, key, queued, plan.dailyLimit)) === undefined) {
    const remaining = Math.max(0, plan.dailyLimit - (await current(trx, key)));
    throw new AppError(
      'daily_limit_exceeded',
      `the "${plan.name}" plan allows ${plan.dailyLimit} emails a day; ${remaining} remain today and this submission has ${queued}`,
      undefined,
      { remaining, limit: plan.dailyLimit, resetAt: new Date(nextMidnight(now, timeZone)).toISOString() },
    );
  }
}

const queuedIn = (s: Submission) => s.deliveries.filter((d) => d.status !== 'suppressed').length;

/** What `enqueue()` writes for a submission of `actor`. */
function toEnqueue(actor: Principal, s: Submission, lease?: { owner: string; until: number }): ToEnqueue {
  return {
    message: {
      org_id: actor.orgId,
      type: s.type,
      from_address: s.from.address,
      from_domain: s.from.domain,
      subject: s.content.subject,
      content: JSON.stringify(s.content),
      metadata: s.metadata ? JSON.stringify(s.metadata) : null,
      size: s.size,
      submitted_by: actor.label,
    },
    deliveries: s.deliveries,
    priority: typePriority(s.type),
    ...(lease && { lease }),
  };
}

/** Reserves the plan's limit for every queued delivery and enqueues, in one transaction. */
export async function accept(ctx: AppContext, actor: Principal, s: Submission): Promise<Accepted> {
  const now = ctx.clock.now();
  const { timeZone } = await orgSettings(ctx.store.db, ctx.config.timeZone, actor.orgId);
  const day = dayKey(now, timeZone);
  const accepted = await ctx.store.db.transaction().execute(async (trx) => {
    const { plan } = await lockedPlanOf(trx, ctx.store.dialect, actor.orgId);
    await reserveWithin(trx, actor.orgId, queuedIn(s), { now, day, timeZone, plan });
    const [r] = await enqueueAll(trx, [toEnqueue(actor, s)], now);
    return { messageId: r!.messageId, deliveries: r!.deliveries };
  });
  // Accepted means on disk: the 202 goes out only after the log is synced.
  await ctx.store.syncAccepted();
  return accepted;
}

/**
 * Several submissions accepted together (the submission port's concurrent sessions): one
 * transaction and one sync of the log for all, each reserved and enqueued exactly as `accept`
 * does. A submission refused by its plan's daily limit gets its `AppError` and nothing of it is
 * queued; the others go in. Any other failure fails them all (nothing of the batch is queued).
 *
 * An org's submissions that fit its daily limit together are reserved in one statement; when they
 * do not, each is reserved (or refused) alone, in order, as before. A worker of this process with
 * free slots takes the new deliveries at once (`events.ts`): they are written leased to it, as if
 * it had claimed them in this transaction, and handed over after the sync; the others wait in the
 * queue, and the workers are woken for them.
 */
export async function acceptAll(
  ctx: AppContext,
  items: { actor: Principal; submission: Submission }[],
): Promise<(Accepted | AppError)[]> {
  const now = ctx.clock.now();
  const orgIds = [...new Set(items.map((i) => i.actor.orgId))].sort();
  const zones = new Map<string, string>();
  for (const orgId of orgIds)
    zones.set(orgId, (await orgSettings(ctx.store.db, ctx.config.timeZone, orgId)).timeZone);
  const queuedOf = new Map<string, number>();
  for (const { actor, submission } of items)
    queuedOf.set(actor.orgId, (queuedOf.get(actor.orgId) ?? 0) + queuedIn(submission));
  const total = [...queuedOf.values()].reduce((a, b) => a + b, 0);
  const slots = total > 0 ? ctx.events.taker()?.reserve(total) : undefined;
  const handed: HandedDelivery[] = [];
  let left = 0;
  let results: (Accepted | AppError)[];
  try {
    // Begun as the writer: another process (a delivery worker) may write between its reads and writes.
    results = await writeTransaction(ctx.store, async (trx) => {
      handed.length = 0;
      left = 0;
      const at = new Map<string, AcceptAt>();
      const reserved = new Set<string>();
      // A disabled org's mail waits unclaimed (`queue/claim.ts`): it is never handed over either.
      const disabled = new Set<string>();
      // In one order, so that batches locking the same orgs (PostgreSQL) never wait on each other in a cycle.
      for (const orgId of orgIds) {
        const { plan, disabled: off } = await lockedPlanOf(trx, ctx.store.dialect, orgId);
        if (off) disabled.add(orgId);
        const timeZone = zones.get(orgId)!;
        const day = dayKey(now, timeZone);
        at.set(orgId, { now, day, timeZone, plan });
        const n = queuedOf.get(orgId)!;
        if (n > 0 && (await addWithin(trx, { orgId, day, scope: 'plan' }, n, plan.dailyLimit)) !== undefined)
          reserved.add(orgId);
      }
      let free = slots?.n ?? 0;
      const out: (Accepted | AppError)[] = new Array(items.length);
      const planned: { i: number; leased: boolean; row: ToEnqueue }[] = [];
      for (const [i, { actor, submission }] of items.entries()) {
        const q = queuedIn(submission);
        const lease =
          slots && q > 0 && q <= free && !disabled.has(actor.orgId)
            ? { owner: slots.owner, until: now + slots.leaseMs }
            : undefined;
        try {
          if (!reserved.has(actor.orgId)) await reserveWithin(trx, actor.orgId, q, at.get(actor.orgId)!);
        } catch (err) {
          // Refused before anything of it was written; the transaction goes on with the others.
          if (err instanceof AppError) {
            out[i] = err;
            continue;
          }
          throw err;
        }
        if (lease) free -= q;
        else left += q;
        planned.push({ i, leased: lease !== undefined, row: toEnqueue(actor, submission, lease) });
      }
      // Every accepted message of the batch in one go: a few statements, not two a message.
      const written = await enqueueAll(
        trx,
        planned.map((p) => p.row),
        now,
      );
      for (const [k, p] of planned.entries()) {
        const r = written[k]!;
        out[p.i] = { messageId: r.messageId, deliveries: r.deliveries };
        if (p.leased)
          for (const d of r.deliveries)
            if (d.status === 'sending') handed.push({ delivery: d, message: r.message });
      }
      return out;
    });
  } catch (err) {
    slots?.cancel();
    throw err;
  }
  try {
    // Accepted means on disk: no reply goes out before the log is synced.
    await ctx.store.syncAccepted();
  } finally {
    // Committed: what was written leased to the worker is its own now, synced or not.
    if (handed.length > 0) slots!.start(handed);
    else slots?.cancel();
    if (left > 0) ctx.events.queued();
  }
  return results;
}

/** Refuses individual and workflow email to a suppressed address unless forced (SPEC R20). */
async function refuseSuppressed(ctx: AppContext, orgId: string, m: MessageSubmit): Promise<void> {
  if (m.force || m.type === 'mass') return;
  const lists = { to: m.to, cc: m.cc ?? [], bcc: m.bcc ?? [] };
  const all = Object.values(lists).flatMap((l) => l.map((x) => mailbox(x).address));
  const found = await suppressedAmong(ctx.store, orgId, all, m.type);
  if (found.size === 0) return;
  const fields: Record<string, string> = {};
  for (const [name, list] of Object.entries(lists))
    list.forEach((x, i) => {
      const address = mailbox(x).address.toLowerCase();
      const reason = found.get(address);
      if (reason) fields[`${name}.${i}`] = `${address} is on the suppression list (${reason})`;
    });
  const names = [...found.keys()].join(', ');
  throw new AppError(
    'conflict',
    `${names} ${found.size === 1 ? 'is' : 'are'} on the suppression list; remove ${found.size === 1 ? 'it' : 'them'} or send with "force": true`,
    fields,
  );
}

export async function submitMessage(ctx: AppContext, actor: Principal, m: MessageSubmit): Promise<Accepted> {
  const from = mailbox(m.from);
  await checkFromDomain(ctx, actor.orgId, from);
  const size = contentSize(m);
  checkSize(ctx, size);
  await refuseSuppressed(ctx, actor.orgId, m);
  await scanSubmission(ctx, partsOf(m));
  const recipients = [...m.to, ...(m.cc ?? []), ...(m.bcc ?? [])].map(mailbox);
  const skip =
    m.type === 'mass' && !m.force
      ? await suppressedAmong(
          ctx.store,
          actor.orgId,
          recipients.map((r) => r.address),
        )
      : new Map();
  const seen = new Set<string>();
  const deliveries: NewDelivery[] = [];
  for (const r of recipients) {
    const key = r.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    deliveries.push({
      recipient: r.address,
      recipientDomain: r.domain,
      ...(skip.has(key) ? { status: 'suppressed' as const } : {}),
    });
  }
  const content: MessageContent = {
    from: formatMailbox(from),
    to: m.to.map((x) => formatMailbox(mailbox(x))),
    cc: (m.cc ?? []).map((x) => formatMailbox(mailbox(x))),
    replyTo: m.replyTo ? formatMailbox(mailbox(m.replyTo)) : undefined,
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: m.headers,
    attachments: m.attachments,
    rules: await rulesForSubmission(ctx, actor.orgId, m.type),
  };
  return accept(ctx, actor, { type: m.type, from, content, metadata: m.metadata, deliveries, size });
}

/**
 * One recipient of a mass email as its delivery: undefined when the address came before in the
 * same mass email (`seen` holds the lowercased addresses so far).
 */
export function massDelivery(
  r: MassRecipient,
  subject: string,
  seen: Set<string>,
  suppressed: (address: string) => boolean,
  box: Mailbox = mailbox(r.address),
): NewDelivery | undefined {
  const key = box.address.toLowerCase();
  if (seen.has(key)) return undefined;
  seen.add(key);
  const personalization =
    r.fields || r.notice
      ? { fields: r.fields, notice: r.notice, to: formatMailbox(box) }
      : { to: formatMailbox(box) };
  return {
    recipient: box.address,
    recipientDomain: box.domain,
    personalization,
    subject: mergedSubject(subject, r.fields),
    status: suppressed(key) ? 'suppressed' : 'queued',
  };
}

/** What a mass email stores once: its content, without recipients. */
export async function massContent(ctx: AppContext, orgId: string, m: MassEmailHead): Promise<MessageContent> {
  return {
    from: formatMailbox(mailbox(m.from)),
    to: [],
    cc: [],
    replyTo: m.replyTo ? formatMailbox(mailbox(m.replyTo)) : undefined,
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: m.headers,
    rules: await rulesForSubmission(ctx, orgId, 'mass'),
  };
}

/** Refuses a mass email whose From is not the org's, or whose content is too big or infected. */
export async function checkMassHead(ctx: AppContext, orgId: string, m: MassEmailHead): Promise<number> {
  await checkFromDomain(ctx, orgId, mailbox(m.from));
  const size = contentSize(m);
  checkSize(ctx, size);
  await scanSubmission(ctx, partsOf(m));
  return size;
}

/** Reserves the plan's daily limit for `queued` deliveries of the org, inside the caller's transaction. */
export async function reservePlan(
  ctx: AppContext,
  trx: Kysely<Database>,
  orgId: string,
  queued: number,
): Promise<void> {
  const now = ctx.clock.now();
  const { timeZone } = await orgSettings(trx, ctx.config.timeZone, orgId);
  await lockOrg(trx, ctx.store.dialect, orgId);
  const plan = await planOf(trx, orgId);
  await reserveWithin(trx, orgId, queued, { now, day: dayKey(now, timeZone), timeZone, plan });
}

export async function submitMassEmail(
  ctx: AppContext,
  actor: Principal,
  m: MassEmail,
  given?: (address: string) => boolean,
): Promise<{ messageId: string; accepted: number; suppressed: number }> {
  const from = mailbox(m.from);
  const size = await checkMassHead(ctx, actor.orgId, m);
  const listed = given
    ? undefined
    : await suppressedAmong(
        ctx.store,
        actor.orgId,
        m.recipients.map((r) => mailbox(r.address).address),
      );
  const suppressed = given ?? ((address: string) => listed!.has(address));
  const seen = new Set<string>();
  const deliveries: NewDelivery[] = [];
  for (const r of m.recipients) {
    const d = massDelivery(r, m.subject, seen, suppressed);
    if (d) deliveries.push(d);
  }
  const content = await massContent(ctx, actor.orgId, m);
  const accepted = await accept(ctx, actor, {
    type: 'mass',
    from,
    content,
    metadata: m.metadata,
    deliveries,
    size,
  });
  const nSuppressed = deliveries.filter((d) => d.status === 'suppressed').length;
  return {
    messageId: accepted.messageId,
    accepted: deliveries.length - nSuppressed,
    suppressed: nSuppressed,
  };
}
