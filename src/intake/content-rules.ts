/**
 * The content rules a submission carries (R25): the org's enabled rules for its email type, fixed
 * when the mail is accepted, so a rule changed later never alters mail already queued.
 */
import type { AppContext } from '../context.js';
import type { MessageType } from '../domain/email-types.js';
import type { AppliedRule } from '../schemas/content-rules.js';
import { orgContentRules } from '../store/repos/content-rules.js';

/** The enabled rules for this email type, in the order they apply; undefined when there are none. */
export async function rulesForSubmission(
  ctx: AppContext,
  orgId: string,
  type: MessageType,
): Promise<AppliedRule[] | undefined> {
  const applied = (await orgContentRules(ctx.store.db, orgId))
    .filter((r) => r.enabled === 1 && (JSON.parse(r.email_types) as string[]).includes(type))
    .map((r) => ({
      id: r.id,
      position: r.position,
      text: r.text,
      html: r.html,
      recipientDomains: JSON.parse(r.recipient_domains) as string[],
    }));
  return applied.length > 0 ? applied : undefined;
}
