/**
 * Bounce classification rules as data (SPEC R18), checked by `classify()`:
 * - `statusRules`: delivery status codes decisive on their own (the address is bad, or it is not);
 *   a decisive status wins over any wording.
 * - `textRules`: wording of the diagnostic, first match wins; used when the status is absent or not
 *   decisive (5.0.0, 5.5.0, 5.7.1 …). `status` is what the wording implies when the bounce gave none.
 *
 * The wording is `domain/smtp-wording.ts`, shared with the delivery classifier (`smtp-reply-rules.ts`):
 * a phrase means the same to both. The bounce rules also read groups of their own, for the looser
 * words of bounce reports.
 *
 * `hard` means the address itself is bad (unknown user or domain, a domain that accepts no mail, an
 * address that moved): suppress it. Everything else that failed is `soft`: full or disabled
 * mailboxes, spam and policy blocks, sender-side problems, size, rate and network trouble.
 */
import type { BounceReason } from '../domain/bounce-reasons.js';
import {
  accountOrDomainMayNotExist,
  addressGone,
  anyOf,
  badDomain,
  clientBlocked,
  expired,
  listed,
  localProgram,
  mailboxDisabled,
  mailboxFull,
  messageTooBig,
  moved,
  network,
  noMailAccepted,
  noSuchAccount,
  policy,
  rateLimited,
  recipientRefused,
  relayDenied,
  senderNamed,
  senderRefused,
  sendingQuota,
  sentTooMuch,
  sizeLimit,
  spam,
  systemError,
  tooManyRecipients,
  unauthenticated,
  userUnknown,
  virus,
} from '../domain/smtp-wording.js';

export interface StatusRule {
  id: string;
  /** Matched against the normalised status, e.g. `5.1.1`. */
  pattern: RegExp;
  /** Why the recipient bounced; its class comes from `reasonClass` (domain/bounce-reasons.ts). */
  reason: BounceReason;
}

export interface TextRule {
  id: string;
  pattern: RegExp;
  reason: BounceReason;
  status?: string;
  /**
   * The wording names a cause specific enough to override a bare bad-mailbox status (X.1.1):
   * MTAs map failures they do not understand to 5.1.1 (Sendmail and Postfix for a local delivery
   * program's exit code, some servers for any refusal), so a reply saying the mailbox is full, the
   * sender is rate-limited or a delivery program failed is believed over the code.
   */
  beatsBadMailboxStatus?: boolean;
  /**
   * The wording states the recipient's account does not exist in words content filters do not
   * reuse, so it holds even in reply to DATA (Yahoo checks recipients only after DATA).
   */
  holdsAfterData?: boolean;
}

export const statusRules: readonly StatusRule[] = [
  { id: 'status-bad-mailbox', pattern: /^[45]\.1\.1$/, reason: 'user-unknown' },
  { id: 'status-bad-domain', pattern: /^[45]\.1\.2$/, reason: 'host-unknown' },
  { id: 'status-bad-address-syntax', pattern: /^5\.1\.3$/, reason: 'user-unknown' },
  { id: 'status-moved', pattern: /^5\.1\.6$/, reason: 'has-moved' },
  { id: 'status-null-mx', pattern: /^5\.1\.10$/, reason: 'not-accept' },
  { id: 'status-bad-sender', pattern: /^[45]\.1\.[78]$/, reason: 'rejected' },
  { id: 'status-mailbox-full', pattern: /^[45]\.2\.2$/, reason: 'mailbox-full' },
  { id: 'status-exceed-limit', pattern: /^[45]\.2\.3$/, reason: 'exceed-limit' },
  { id: 'status-too-big', pattern: /^[45]\.3\.4$/, reason: 'message-too-big' },
  { id: 'status-expired', pattern: /^[45]\.4\.7$/, reason: 'expired' },
  // In a bounce, 5.7.27 reports a recipient domain publishing a null MX (RFC 7505): no mail, ever.
  { id: 'status-null-mx-host', pattern: /^5\.7\.27$/, reason: 'not-accept' },
  { id: 'status-policy', pattern: /^[45]\.7\.\d+$/, reason: 'policy-violation' },
];

export const textRules: readonly TextRule[] = [
  // Rejections of the sender or of the relaying host: never the recipient address's fault.
  {
    id: 'text-sender-rejected',
    pattern: anyOf(senderRefused.pattern, senderNamed.pattern),
    reason: 'rejected',
    status: '5.1.8',
  },
  { id: 'text-relay-denied', pattern: relayDenied.pattern, reason: 'no-relaying', status: '5.7.1' },
  // The sending account's quota, before a mailbox quota: "daily sending quota exceeded".
  {
    id: 'text-sending-quota',
    pattern: sendingQuota.pattern,
    reason: 'rate-limited',
    status: '5.4.5',
    beatsBadMailboxStatus: true,
  },
  {
    id: 'text-mailbox-full',
    pattern: mailboxFull.pattern,
    reason: 'mailbox-full',
    status: '5.2.2',
    beatsBadMailboxStatus: true,
  },
  { id: 'text-disabled', pattern: mailboxDisabled.pattern, reason: 'suspend', status: '5.2.1' },
  {
    id: 'text-too-big',
    pattern: anyOf(messageTooBig.pattern, sizeLimit.pattern),
    reason: 'message-too-big',
    status: '5.3.4',
  },
  // A local delivery program (procmail, maildrop, a pipe) that failed: its output is not about the
  // address, whatever the exit code was mapped to.
  {
    id: 'text-local-program-error',
    pattern: localProgram.pattern,
    reason: 'system-error',
    status: '5.3.0',
    beatsBadMailboxStatus: true,
  },
  // The sending host or sender is sending too fast, or to too many recipients ("has sent to too many
  // recipients this hour" is a rate as much as a count): the address may well be good.
  {
    id: 'text-rate-limited',
    pattern: anyOf(tooManyRecipients.pattern, rateLimited.pattern, sentTooMuch.pattern),
    reason: 'rate-limited',
    status: '4.7.0',
    beatsBadMailboxStatus: true,
  },
  // An MTA saying the account or the domain may not exist (cPanel's Exim, when the domain cannot be
  // routed) speaks of the address first, whatever else it lists as possible.
  {
    id: 'text-account-or-domain-may-not-exist',
    pattern: accountOrDomainMayNotExist.pattern,
    reason: 'host-unknown',
    status: '5.1.2',
  },
  {
    id: 'text-unauthenticated',
    pattern: unauthenticated.pattern,
    reason: 'security-error',
    status: '5.7.26',
  },
  { id: 'text-virus', pattern: virus.pattern, reason: 'virus-detected', status: '5.7.1' },
  {
    id: 'text-blocked',
    pattern: anyOf(clientBlocked.pattern, listed.pattern),
    reason: 'blocked',
    status: '5.7.1',
  },
  { id: 'text-spam', pattern: spam.pattern, reason: 'spam-detected', status: '5.7.1' },
  { id: 'text-policy', pattern: policy.pattern, reason: 'policy-violation', status: '5.7.1' },
  // The address itself is bad.
  {
    id: 'text-domain-accepts-no-mail',
    pattern: noMailAccepted.pattern,
    reason: 'not-accept',
    status: '5.1.10',
  },
  { id: 'text-unknown-domain', pattern: badDomain.pattern, reason: 'host-unknown', status: '5.1.2' },
  // A provider saying it has no such account, in its own words.
  {
    id: 'text-no-such-account',
    pattern: noSuchAccount.pattern,
    reason: 'user-unknown',
    status: '5.1.1',
    holdsAfterData: true,
  },
  {
    id: 'text-unknown-user',
    pattern: anyOf(userUnknown.pattern, addressGone.pattern),
    reason: 'user-unknown',
    status: '5.1.1',
  },
  { id: 'text-moved', pattern: moved.pattern, reason: 'has-moved', status: '5.1.6', holdsAfterData: true },
  // Transient trouble on the way.
  { id: 'text-expired', pattern: expired.pattern, reason: 'expired', status: '4.4.7' },
  { id: 'text-network', pattern: network.pattern, reason: 'network-error', status: '4.4.1' },
  { id: 'text-system', pattern: systemError.pattern, reason: 'system-error', status: '4.3.0' },
  // A refusal of the recipient that gives no other reason: not enough to call the address bad.
  { id: 'text-recipient-refused', pattern: recipientRefused.pattern, reason: 'filtered', status: '5.1.0' },
];
