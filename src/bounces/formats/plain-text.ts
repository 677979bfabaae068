/**
 * Plain-text bounces of MTAs and providers without RFC 3464 support (qmail, Exim, Sendmail v5,
 * Postfix without DSN, Gmail, Yahoo, Exchange 2003, Domino, Courier, DragonFly, …). They are
 * recognised as bounces by sender, subject or wording, and read by layout (`scanRecipients`), with
 * the `X-Failed-Recipients` header as a last resort; no per-vendor code, so new vendors with the
 * same layouts work too.
 */

import type { FoundRecipient } from '../../domain/bounce-report.js';
import { isFromMailSystem } from '../auto-reply.js';
import type { BounceMail } from '../mime.js';
import { addressesIn, scanRecipients } from '../text-scan.js';

const bounceSubject =
  /undeliver|undelivered|delivery (status|fail|problem|notification)|returned mail|returning message|failure notice|delivery failure|failed delivery|failure delivery|could not be delivered|non[- ]?(delivery|remis|recapitabile)|mail system error|returned to sender|rejected|delivery report|nicht zustellbar|no entregado|non consegnato|недоставленное|エラー|error sending/i;

const bounceWording =
  /could not be delivered|undeliverable|delivery (has )?failed|permanent (fatal )?errors?|returned to sender|was not delivered|unable to deliver/i;

/** The report says in words that delivery failed (not merely that the message is a notice). */
export function statesFailure(report: string): boolean {
  return bounceWording.test(report.slice(0, 2000));
}

export function looksLikeBounce(mail: BounceMail): boolean {
  return (
    isFromMailSystem(mail) ||
    bounceSubject.test(mail.subject) ||
    'x-failed-recipients' in mail.headers ||
    bounceWording.test(mail.text.slice(0, 2000))
  );
}

const delayWording =
  /\b(delayed|will (continue to )?(be )?retr(y|ied)|still (being )?(retried|trying)|not (yet )?been delivered yet|has not yet been delivered)\b/i;

/** A plain-text bounce is a failure unless it says it is only a delay. */
function actionOf(mail: BounceMail, report: string): string {
  return delayWording.test(`${mail.subject}\n${report}`) ? 'delayed' : 'failed';
}

export function textReport(mail: BounceMail, report: string): FoundRecipient[] {
  if (!looksLikeBounce(mail)) return [];
  const action = actionOf(mail, report);
  return recipientsOf(mail, report).map((r) => (r.action ? r : { ...r, action }));
}

function recipientsOf(mail: BounceMail, report: string): FoundRecipient[] {
  const scanned = scanRecipients(report);
  if (scanned.length > 0) return scanned;
  const failed = addressesIn(mail.headers['x-failed-recipients'] ?? '');
  return failed.map((address) => ({
    address,
    status: '',
    action: '',
    diagnosticCode: '',
  }));
}
