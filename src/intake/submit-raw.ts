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
import { type Accepted, accept, checkFromDomain, checkSize } from './submit.js';

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

export async function submitRawMessage(
  ctx: AppContext,
  actor: Principal,
  s: RawSubmission,
): Promise<RawAccepted> {
  await checkFromDomain(ctx, actor.orgId, s.from);
  checkSize(ctx, s.raw.length);
  if (s.recipients.length > s.maxRecipients)
    throw new AppError('limit_exceeded', `a message may have at most ${s.maxRecipients} recipients`);
  await scanSubmission(ctx, s.parts);
  const skip = await suppressedAmong(
    ctx.store.db,
    actor.orgId,
    s.recipients.map((r) => r.address),
  );
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
    rules: await rulesForSubmission(ctx, actor.orgId, s.type),
  };
  const accepted = await accept(ctx, actor, {
    type: s.type,
    from: s.from,
    content,
    metadata: undefined,
    deliveries,
    size: s.raw.length,
  });
  if (suppressed.length > 0)
    ctx.log.info(
      { event: 'submission.suppressed_skipped', messageId: accepted.messageId, recipients: suppressed },
      'suppressed recipients accepted and skipped',
    );
  return { ...accepted, suppressed };
}
