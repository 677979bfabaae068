/**
 * What each bounce reason means, in one English line: for the API description and the docs. The
 * console's words (Japanese and English) are in its i18n catalogues. No Node imports.
 */
import type { BounceReason } from './bounce-reasons.js';

export const reasonMeaning: Readonly<Record<BounceReason, string>> = {
  'user-unknown': 'the mailbox does not exist',
  'host-unknown': 'the recipient domain or its mail server does not exist',
  'has-moved': 'the recipient has moved to another address',
  'mailbox-full': 'the mailbox is over its quota',
  'exceed-limit': 'the message exceeds a size limit of the mailbox or the server',
  'message-too-big': 'the message is larger than the server accepts',
  filtered: 'a recipient or content filter refused it',
  rejected: 'the server refused the sender',
  blocked: 'the sending address or IP is blocked (block list, reputation)',
  'spam-detected': 'the content was judged to be spam',
  'virus-detected': 'the content was judged to carry a virus',
  'policy-violation': 'refused under the receiving site’s policy',
  'security-error': 'authentication failed (SPF, DKIM, DMARC, TLS)',
  'no-relaying': 'the server does not relay for this domain',
  'not-accept': 'the domain accepts no mail (null MX)',
  suspend: 'the mailbox is suspended or disabled',
  expired: 'delivery did not succeed within the retry period',
  'too-many-connections': 'too many connections to the server',
  'rate-limited': 'too many messages: the server asked to slow down',
  'network-error': 'a network or DNS failure on the way',
  'system-error': 'an error of the receiving system',
  'system-full': 'the receiving system is out of storage',
  'content-error': 'the content is malformed or not allowed',
  'syntax-error': 'an SMTP command or address was malformed',
  vacation: 'an automatic reply (out of office), not a bounce',
  feedback: 'a complaint: the recipient reported the mail as spam',
  delivered: 'delivered successfully (a success report)',
  undefined: 'the report gives no recognisable reason',
};

/** The meanings as a Markdown-like list for descriptions: `reason: meaning; …`. */
export function reasonMeaningList(): string {
  return Object.entries(reasonMeaning)
    .map(([r, m]) => `\`${r}\`: ${m}`)
    .join('; ');
}
