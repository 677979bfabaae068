/**
 * Auto-replies (RFC 3834): vacation notices and other automatic answers. Not a bounce; the
 * answering address gets the class `auto-reply`. Replies from mail systems (mailer-daemon,
 * postmaster) are bounces, not auto-replies, even when they say `Auto-Submitted: auto-replied`.
 */
import type { BounceMail } from './mime.js';

const daemonSender =
  /^(mailer-daemon|mail-daemon|post_?master|mail\.delivery\.system|mailerdaemon|mdaemon)@/i;
const daemonName = /mail delivery|mailer-daemon|postmaster|mail system/i;
const autoHeaders = ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-apple-action', 'x-mail-autoreply'];
const autoSubject =
  /^\s*(auto(matic)?[ _-]?(reply|response|antwort)|out of (the )?office|vacation|away (from|until)|abwesenheit|absence|r[ée]ponse automatique|自動応答|不在)/i;

export function isFromMailSystem(mail: BounceMail): boolean {
  return daemonSender.test(mail.fromAddress) || daemonName.test(mail.fromName);
}

export function isAutoReply(mail: BounceMail): boolean {
  if (isFromMailSystem(mail)) return false;
  const submitted = (mail.headers['auto-submitted'] ?? '').toLowerCase();
  if (submitted.startsWith('auto-replied')) return true;
  if (autoHeaders.some((h) => h in mail.headers)) return true;
  if (/auto[_-]?reply/i.test(mail.headers.precedence ?? '')) return true;
  return autoSubject.test(mail.subject);
}
