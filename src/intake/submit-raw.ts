/**
 * Submission of a whole MIME message (the SMTP submission port): the same rules as
 * `submitMessage` — a verified From domain, the size limit, the virus scan, the plan's daily
 * limit reserved at once — and the same `accept()` and `enqueue()`. The envelope's recipients
 * are the deliveries (so Bcc works); suppressed ones are accepted and skipped, recorded as
 * `suppressed` in the log as mass email records them. The message is kept as it came (its own
 * DKIM signature too) and composed from it per delivery (`delivery/compose-raw.ts`).
 */
import { type ScanPart, scanSubmission } from '../antivirus/scan.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { EmailType } from '../domain/email-types.js';
import { AppError } from '../domain/errors.js';
import type { Mailbox } from '../domain/mailbox.js';
import type { NewDelivery } from '../queue/enqueue.js';
import type { MessageContent } from '../schemas/messages.js';
import { suppressedAmong } from '../store/repos/suppressions.js';
import { rulesForSubmission } from './content-rules.js';
import { type Accepted, acceptAll, checkFromDomain, checkSize, type Submission } from './submit.js';

export interface RawSubmission {
  type: EmailType;
  /** The header From: the sender the domain rules check. */
  from: Mailbox;
  subject: string;
  /** The message as it goes out, the type header already taken out. */
  raw: Buffer;
  /** The envelope recipients (RCPT TO). */
  recipients: Mailbox[];
  /** Bodies and attachments, for the virus scan. */
  parts: ScanPart[];
  maxRecipients: number;
}

export interface RawAccepted extends Accepted {
  suppressed: string[];
}

interface Checked {
  actor: Principal;
  submission: Submission;
  suppressed: string[];
}

/** What became of one message of a batch: accepted (durable), or the error that refused it. */
export type RawOutcome = { accepted: RawAccepted } | { error: unknown };

/**
 * Several whole messages at once (the submission port's sessions that finished their DATA while
 * the previous batch was being written): each under the rules of `submitRawMessage`, with the
 * reads that the batch shares done once (the From domains, the suppression list, the content
 * rules of each org and type) and one `acceptAll` (one transaction, one sync of the log).
 */
export async function submitRawMessages(
  ctx: AppContext,
  items: { actor: Principal; submission: RawSubmission }[],
): Promise<RawOutcome[]> {
  const once = <T>(memo: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let p = memo.get(key);
    if (!p) {
      p = load();
      // Awaited by each item that needs it; a failure is that item's refusal.
      p.catch(() => {});
      memo.set(key, p);
    }
    return p;
  };
  const domains = new Map<string, Promise<void>>();
  const rules = new Map<string, Promise<MessageContent['rules']>>();
  const suppressions = new Map<string, Promise<Map<string, unknown>>>();
  const recipientsOf = new Map<string, string[]>();
  for (const { actor, submission } of items) {
    const list = recipientsOf.get(actor.orgId) ?? [];
    for (const r of submission.recipients) list.push(r.address);
    recipientsOf.set(actor.orgId, list);
  }
  const checked = await Promise.all(
    items.map(async ({ actor, submission: s }): Promise<Checked | { error: unknown }> => {
      try {
        // The three reads start together (on PostgreSQL, three round trips at once); a refusal
        // still names the first rule broken, in the order the API checks them.
        const domain = once(domains, `${actor.orgId} ${s.from.domain}`, () =>
          checkFromDomain(ctx, actor.orgId, s.from),
        );
        const skipped = once(suppressions, actor.orgId, () =>
          suppressedAmong(ctx.store, actor.orgId, recipientsOf.get(actor.orgId)!),
        );
        const ruled = once(rules, `${actor.orgId} ${s.type}`, () =>
          rulesForSubmission(ctx, actor.orgId, s.type),
        );
        await domain;
        checkSize(ctx, s.raw.length);
        if (s.recipients.length > s.maxRecipients)
          throw new AppError('limit_exceeded', `a message may have at most ${s.maxRecipients} recipients`);
        await scanSubmission(ctx, s.parts);
        return { actor, ...deliveriesOf(s, await skipped, await ruled) };
      } catch (error) {
        return { error };
      }
    }),
  );
  const ready = checked.flatMap((c) => ('error' in c ? [] : [c]));
  let accepted: (Accepted | AppError)[] = [];
  let failed: { error: unknown } | undefined;
  try {
    if (ready.length > 0) accepted = await acceptAll(ctx, ready);
  } catch (error) {
    failed = { error };
  }
  let next = 0;
  return checked.map((c) => {
    if ('error' in c) return c;
    if (failed) return failed;
    const a = accepted[next++]!;
    if (a instanceof AppError) return { error: a };
    if (c.suppressed.length > 0)
      ctx.log.info(
        { event: 'submission.suppressed_skipped', messageId: a.messageId, recipients: c.suppressed },
        'suppressed recipients accepted and skipped',
      );
    return { accepted: { ...a, suppressed: c.suppressed } };
  });
}

/** One delivery per distinct envelope recipient; suppressed ones recorded, not queued. */
function deliveriesOf(
  s: RawSubmission,
  skip: Map<string, unknown>,
  rules: MessageContent['rules'],
): { submission: Submission; suppressed: string[] } {
  const seen = new Set<string>();
  const deliveries: NewDelivery[] = [];
  const suppressed: string[] = [];
  for (const r of s.recipients) {
    const key = r.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const isSuppressed = skip.has(key);
    if (isSuppressed) suppressed.push(r.address);
    deliveries.push({
      recipient: r.address,
      recipientDomain: r.domain,
      ...(isSuppressed ? { status: 'suppressed' as const } : {}),
    });
  }
  const content: MessageContent = {
    from: s.from.address,
    to: [],
    cc: [],
    subject: s.subject,
    raw: s.raw.toString('base64'),
    rules,
  };
  return {
    submission: { type: s.type, from: s.from, content, metadata: undefined, deliveries, size: s.raw.length },
    suppressed,
  };
}

export async function submitRawMessage(
  ctx: AppContext,
  actor: Principal,
  s: RawSubmission,
): Promise<RawAccepted> {
  const [outcome] = await submitRawMessages(ctx, [{ actor, submission: s }]);
  if ('error' in outcome!) throw outcome.error;
  return outcome!.accepted;
}
