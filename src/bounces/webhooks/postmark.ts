/**
 * Postmark's bounce and spam-complaint webhooks. Postmark does not sign: the webhook URL must carry
 * the configured basic-auth user and password. The delivery is named by the `mailroute-delivery`
 * metadata when the sender set it, else by the returned headers in the bounce `Content` (the
 * webhook's "include bounce content" option).
 */

import type { BounceReason } from '../../domain/bounce-reasons.js';
import type { BounceClass } from '../../domain/bounce-report.js';
import { classify } from '../classify.js';
import { deliveryInHeaders } from '../match.js';
import { parseBounce } from '../parse.js';
import { header, statusIn, type WebhookProvider } from './types.js';
import { badSignature, parseJson, sameSecret } from './verify.js';

interface PostmarkPayload {
  RecordType?: string;
  Type?: string;
  Email?: string;
  Details?: string;
  Description?: string;
  Content?: string;
  Metadata?: Record<string, string>;
}

const typeClasses: Record<string, BounceClass> = {
  HardBounce: 'hard',
  BadEmailAddress: 'hard',
  SoftBounce: 'soft',
  Transient: 'soft',
  DnsError: 'soft',
  MailboxFull: 'soft',
  SpamComplaint: 'complaint',
  AutoResponder: 'auto-reply',
};

/** Postmark types that say the reason themselves; the others take the classification rules'. */
const typeReasons: Record<string, BounceReason> = {
  MailboxFull: 'mailbox-full',
  SpamComplaint: 'feedback',
  AutoResponder: 'vacation',
};

async function deliveryOf(p: PostmarkPayload): Promise<string | undefined> {
  const named = p.Metadata?.['mailroute-delivery'];
  if (named) return deliveryInHeaders({ 'x-mailroute-delivery': named });
  return p.Content ? deliveryInHeaders((await parseBounce(p.Content)).originalHeaders) : undefined;
}

export const postmark: WebhookProvider = {
  configured: (ctx) =>
    ctx.config.webhooks.postmark.user !== undefined && ctx.config.webhooks.postmark.password !== undefined,
  async receive(ctx, req) {
    const { user, password } = ctx.config.webhooks.postmark;
    const m = /^Basic\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    const given = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    if (!sameSecret(given, `${user}:${password}`))
      throw badSignature('the Postmark webhook credentials are wrong');
    const p = parseJson(req.body) as PostmarkPayload;
    if (!p?.Email || (p.RecordType !== 'Bounce' && p.RecordType !== 'SpamComplaint'))
      return { events: [], note: `record type ${p?.RecordType ?? '?'} ignored` };
    const deliveryId = await deliveryOf(p);
    const diagnosticCode = p.Details || p.Description || '';
    const known = p.RecordType === 'SpamComplaint' ? 'complaint' : typeClasses[p.Type ?? ''];
    const c = classify({ status: statusIn(diagnosticCode), diagnosticCode, action: 'failed' });
    const cls = known ?? c.class;
    return {
      events: [
        {
          deliveryId,
          recipient: p.Email,
          status: cls === 'complaint' ? '' : c.status,
          action: cls === 'complaint' ? '' : 'failed',
          diagnosticCode,
          class: cls,
          reason: (p.RecordType === 'SpamComplaint' ? 'feedback' : typeReasons[p.Type ?? '']) ?? c.reason,
          ...(cls === 'complaint' ? { feedbackType: 'abuse' } : {}),
        },
      ],
    };
  },
};
