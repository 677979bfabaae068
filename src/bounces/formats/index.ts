/**
 * Plain-text bounces of MTAs and providers without RFC 3464 support. A family module recognises its
 * own layout and extracts recipients; anything else that looks like a bounce is read by layout
 * (`scanRecipients`), with the `X-Failed-Recipients` header as a last resort.
 */
import { isFromMailSystem } from '../auto-reply.js';
import type { BounceMail } from '../mime.js';
import { addressesIn, scanRecipients } from '../text-scan.js';
import type { FoundRecipient } from '../types.js';
import { families } from './families.js';

export interface TextFormat {
  id: string;
  /** True when the message has this family's layout. */
  detect(mail: BounceMail, report: string): boolean;
  /** The recipients it names; an empty list lets the layout scan try. */
  parse(mail: BounceMail, report: string): FoundRecipient[];
}

const bounceSubject =
  /undeliver|undelivered|delivery (status|fail|problem|notification)|returned mail|returning message|failure notice|delivery failure|failed delivery|failure delivery|could not be delivered|non[- ]?(delivery|remis|recapitabile)|mail system error|returned to sender|rejected|delivery report|nicht zustellbar|no entregado|non consegnato|недоставленное|エラー|error sending/i;

const bounceWording =
  /could not be delivered|undeliverable|delivery (has )?failed|permanent (fatal )?errors?|returned to sender|was not delivered|unable to deliver/i;

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
  for (const format of families) {
    if (!format.detect(mail, report)) continue;
    const found = format.parse(mail, report);
    if (found.length > 0) return found;
  }
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
