/**
 * Amazon SES notifications through SNS. The SNS signature is verified and the topic must be one of
 * `MAILROUTE_WEBHOOK_SES_TOPIC_ARNS` (anyone can sign with SNS: the topic is what makes it ours). A
 * SubscriptionConfirmation is confirmed. Bounce (Permanent → hard, Transient → soft, else by the
 * classification rules) and Complaint notifications become events; the delivery is named by the
 * sent message's headers (`X-Mailroute-Delivery`, else `Message-ID`) that SES echoes.
 */

import type { BounceClass } from '../../domain/bounce-report.js';
import { AppError } from '../../domain/errors.js';
import { classify } from '../classify.js';
import { deliveryInHeaders } from '../match.js';
import type { SesNotification } from '../ses-notification.js';
import { confirmSubscription, type SnsMessage, verifySns } from './sns.js';
import type { ProviderEvent, WebhookProvider } from './types.js';
import { parseJson } from './verify.js';

function deliveryOf(n: SesNotification): string | undefined {
  const headers: Record<string, string> = {};
  for (const h of n.mail?.headers ?? []) if (h.name && h.value) headers[h.name.toLowerCase()] ??= h.value;
  headers['message-id'] ??= n.mail?.commonHeaders?.messageId ?? '';
  return deliveryInHeaders(headers);
}

function events(n: SesNotification): ProviderEvent[] {
  const type = n.notificationType ?? n.eventType;
  const deliveryId = deliveryOf(n);
  if (type === 'Complaint')
    return (n.complaint?.complainedRecipients ?? []).map((r) => ({
      deliveryId,
      recipient: r.emailAddress ?? '',
      status: '',
      action: '',
      diagnosticCode: '',
      class: 'complaint',
      reason: 'feedback',
      feedbackType: n.complaint?.complaintFeedbackType ?? 'abuse',
    }));
  if (type !== 'Bounce') return [];
  const byType: Record<string, BounceClass> = { Permanent: 'hard', Transient: 'soft' };
  return (n.bounce?.bouncedRecipients ?? []).map((r) => {
    const diagnosticCode = (r.diagnosticCode ?? '').replace(/^smtp;\s*/i, '');
    const c = classify({ status: r.status, diagnosticCode, action: 'failed' });
    return {
      deliveryId,
      recipient: r.emailAddress ?? '',
      status: c.status,
      action: 'failed',
      diagnosticCode,
      class: byType[n.bounce?.bounceType ?? ''] ?? c.class,
      reason: c.reason,
    };
  });
}

export const ses: WebhookProvider = {
  configured: (ctx) => ctx.config.webhooks.ses.topicArns.length > 0,
  async receive(ctx, req) {
    const m = parseJson(req.body) as SnsMessage;
    if (!m || typeof m !== 'object') throw new AppError('bad_request', 'expected an SNS message');
    await verifySns(ctx, m);
    if (!ctx.config.webhooks.ses.topicArns.includes(m.TopicArn ?? ''))
      throw new AppError(
        'forbidden',
        `topic ${m.TopicArn ?? '(none)'} is not in MAILROUTE_WEBHOOK_SES_TOPIC_ARNS`,
      );
    if (m.Type === 'SubscriptionConfirmation') {
      await confirmSubscription(ctx, m);
      return { events: [], note: 'subscription confirmed' };
    }
    if (m.Type !== 'Notification') return { events: [], note: `${m.Type ?? '?'} ignored` };
    const n = (() => {
      try {
        return JSON.parse(m.Message ?? '') as SesNotification;
      } catch {
        throw new AppError('bad_request', 'the SNS Message is not SES JSON');
      }
    })();
    return { events: events(n) };
  },
};
