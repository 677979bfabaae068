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
  dnsTemporary,
  expired,
  listed,
  localProgram,
  mailboxDisabled,
  mailboxFull,
  mailboxUnavailable,
  messageTooBig,
  moved,
  namedPolicy,
  network,
  noMailAccepted,
  noSuchAccount,
  notInDirectory,
  policy,
  protocolError,
  rateLimited,
  recipientFilter,
  recipientRefused,
  relayDenied,
  senderNamed,
  senderRefused,
  sendingQuota,
  sentTooMuch,
  sizeLimit,
  spam,
  systemError,
  tooManyConnections,
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
  /**
   * The status names a family of causes more than one cause (X.7.x "security or policy", X.2.1,
   * X.4.x, X.5.x, X.6.x …): wording that names the cause decides, and the status's own reason stands
   * only when no text rule matches. Decisive statuses (no `weak`) win over any wording.
   */
  weak?: boolean;
  /** Text rules whose wording may rename a decisive status's reason (see `beatsBadMailboxStatus`). */
  yieldsTo?: readonly string[];
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
  /**
   * Loose wording, believed only when the status says nothing (absent, X.0.0 or X.5.0), or when it
   * is of the family given here (`/^\d\.4\./`: "timed out" under X.4.x); under a status of another
   * known family (a weak one), that status's reason stands instead.
   */
  vagueOnly?: boolean | RegExp;
}

export const statusRules: readonly StatusRule[] = [
  {
    id: 'status-bad-mailbox',
    pattern: /^[45]\.1\.1$/,
    reason: 'user-unknown',
  },
  { id: 'status-bad-domain', pattern: /^[45]\.1\.2$/, reason: 'host-unknown' },
  { id: 'status-bad-address-syntax', pattern: /^5\.1\.3$/, reason: 'user-unknown' },
  { id: 'status-moved', pattern: /^5\.1\.6$/, reason: 'has-moved' },
  // 5.1.10 is RFC 7505's null MX, and Microsoft's "RESOLVER.ADR.RecipientNotFound" (an unknown
  // recipient): hard either way, and the wording says which.
  {
    id: 'status-null-mx',
    pattern: /^5\.1\.10$/,
    reason: 'not-accept',
    yieldsTo: ['text-unknown-user', 'text-no-such-account'],
  },
  { id: 'status-bad-sender', pattern: /^[45]\.1\.[78]$/, reason: 'rejected' },
  { id: 'status-disabled', pattern: /^[45]\.2\.1$/, reason: 'suspend', weak: true },
  { id: 'status-mailbox-full', pattern: /^[45]\.2\.2$/, reason: 'mailbox-full' },
  { id: 'status-exceed-limit', pattern: /^[45]\.2\.3$/, reason: 'exceed-limit' },
  { id: 'status-system-full', pattern: /^[45]\.3\.1$/, reason: 'system-full', weak: true },
  { id: 'status-too-big', pattern: /^[45]\.3\.4$/, reason: 'message-too-big' },
  { id: 'status-system', pattern: /^[45]\.3\.\d+$/, reason: 'system-error', weak: true },
  // X.4.4 "unable to route": permanent, the domain has no mail host; for now, trouble on the way.
  { id: 'status-unroutable', pattern: /^5\.4\.4$/, reason: 'host-unknown', weak: true },
  { id: 'status-loop', pattern: /^[45]\.4\.6$/, reason: 'network-error' },
  { id: 'status-expired', pattern: /^[45]\.4\.7$/, reason: 'expired' },
  // X.4.3 is a directory (DNS) failure: the lookup failed, not the domain.
  { id: 'status-network', pattern: /^[45]\.4\.\d+$/, reason: 'network-error', weak: true },
  { id: 'status-syntax', pattern: /^[45]\.5\.[1-24-9]$/, reason: 'syntax-error', weak: true },
  { id: 'status-content', pattern: /^[45]\.6\.\d+$/, reason: 'content-error', weak: true },
  // X.7.x, "security or policy": the registry's codes where they name the cause, wording first.
  { id: 'status-account-disabled', pattern: /^[45]\.7\.13$/, reason: 'suspend', weak: true },
  { id: 'status-too-big-for-priority', pattern: /^[45]\.7\.16$/, reason: 'message-too-big', weak: true },
  // RFC 7293: the mailbox (X.7.17) or the domain (X.7.18) has a new owner since the address was given.
  { id: 'status-owner-changed', pattern: /^5\.7\.1[78]$/, reason: 'has-moved' },
  // RFC 7372: no valid DKIM signature (20-22), SPF failed (23, 24), several checks failed (26).
  { id: 'status-unauthenticated', pattern: /^[45]\.7\.(2[0-4]|26)$/, reason: 'security-error', weak: true },
  // X.7.25: the sending host's reverse DNS failed.
  { id: 'status-reverse-dns', pattern: /^[45]\.7\.25$/, reason: 'blocked', weak: true },
  // In a bounce, 5.7.27 reports a recipient domain publishing a null MX (RFC 7505): no mail, ever.
  { id: 'status-null-mx-host', pattern: /^5\.7\.27$/, reason: 'not-accept' },
  { id: 'status-rate-limited', pattern: /^[45]\.7\.28$/, reason: 'rate-limited', weak: true },
  // Office 365's extended codes: 5.7.606-649 a banned sending IP, 4.7.650-699 poor IP reputation.
  { id: 'status-ip-blocked', pattern: /^[45]\.7\.6([0-8]\d|9\d)$/, reason: 'blocked' },
  // Receiving MXs (Yahoo's family among them) answer 5.7.9 for "not accepted for policy reasons";
  // the registry's meaning, a too weak authentication mechanism, belongs to submission.
  { id: 'status-policy-refused', pattern: /^[45]\.7\.9$/, reason: 'policy-violation', weak: true },
  // X.7.0 "other security", X.7.1 "delivery not authorized", and the authentication and
  // encryption codes X.7.2-12, X.7.14, X.7.29, X.7.30.
  {
    id: 'status-security',
    pattern: /^[45]\.7\.([0-9]|1[0-24]|29|30)$/,
    reason: 'security-error',
    weak: true,
  },
  { id: 'status-policy', pattern: /^[45]\.7\.\d+$/, reason: 'policy-violation', weak: true },
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
  {
    id: 'text-too-many-connections',
    pattern: tooManyConnections.pattern,
    reason: 'too-many-connections',
    status: '4.7.0',
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
  // The recipient's own filter or settings refuse this sender, or a filter says it filtered the mail:
  // the address exists (Exchange's RESOLVER.RST, "user reject", "blocked by the recipient").
  {
    id: 'text-filtered',
    pattern: recipientFilter.pattern,
    reason: 'filtered',
    status: '5.7.1',
    beatsBadMailboxStatus: true,
  },
  {
    id: 'text-unauthenticated',
    pattern: unauthenticated.pattern,
    reason: 'security-error',
    status: '5.7.26',
  },
  { id: 'text-virus', pattern: virus.pattern, reason: 'virus-detected', status: '5.7.1' },
  // A provider saying it has no such account, in its own words.
  {
    id: 'text-no-such-account',
    pattern: noSuchAccount.pattern,
    reason: 'user-unknown',
    status: '5.1.1',
    holdsAfterData: true,
  },
  // Office 365 refusing a recipient its tenant's directory does not hold (directory-based edge
  // blocking): "5.4.1 Recipient address rejected: Access denied. AS(201806281)".
  {
    id: 'text-not-in-directory',
    pattern: notInDirectory.pattern,
    reason: 'user-unknown',
    status: '5.4.1',
  },
  // "User unknown" in words no other refusal uses, believed under any status that does not say
  // otherwise: 5.0.0, and 5.7.1 too, which Postfix access tables ("REJECT User unknown") and
  // several filters give it. Before the block and policy wording, which such replies often append.
  { id: 'text-unknown-user', pattern: userUnknown.pattern, reason: 'user-unknown', status: '5.1.1' },
  {
    id: 'text-blocked',
    pattern: anyOf(clientBlocked.pattern, listed.pattern),
    reason: 'blocked',
    status: '5.7.1',
  },
  { id: 'text-spam', pattern: spam.pattern, reason: 'spam-detected', status: '5.7.1' },
  { id: 'text-policy', pattern: namedPolicy.pattern, reason: 'policy-violation', status: '5.7.1' },
  // "Denied", "not allowed", "blocked": words of any refusal, believed only when the status says nothing.
  {
    id: 'text-refused',
    pattern: policy.pattern,
    reason: 'policy-violation',
    status: '5.7.1',
    vagueOnly: true,
  },
  // The address itself is bad.
  {
    id: 'text-domain-accepts-no-mail',
    pattern: noMailAccepted.pattern,
    reason: 'not-accept',
    status: '5.1.10',
  },
  // A DNS lookup that failed for now says nothing about the domain: before the unknown-domain words.
  {
    id: 'text-dns-temporary',
    pattern: dnsTemporary.pattern,
    reason: 'network-error',
    status: '4.4.3',
    vagueOnly: /^\d\.4\./,
  },
  { id: 'text-unknown-domain', pattern: badDomain.pattern, reason: 'host-unknown', status: '5.1.2' },
  {
    id: 'text-mailbox-unavailable',
    pattern: mailboxUnavailable.pattern,
    reason: 'user-unknown',
    status: '5.1.1',
    vagueOnly: true,
  },
  // "Does not exist", "no longer valid": believed under a mailbox (X.2.x) or protocol (X.5.x)
  // status too, which MTAs give unknown users (5.2.1, qmail's 5.5.0); not under X.7.x, where the
  // words are as often about the sending host's DNS records.
  {
    id: 'text-address-gone',
    pattern: addressGone.pattern,
    reason: 'user-unknown',
    status: '5.1.1',
    vagueOnly: /^\d\.[25]\./,
  },
  { id: 'text-moved', pattern: moved.pattern, reason: 'has-moved', status: '5.1.6', holdsAfterData: true },
  // Transient trouble on the way: under a status of the same family, the wording says which.
  {
    id: 'text-expired',
    pattern: expired.pattern,
    reason: 'expired',
    status: '4.4.7',
    vagueOnly: /^\d\.4\./,
  },
  {
    id: 'text-network',
    pattern: network.pattern,
    reason: 'network-error',
    status: '4.4.1',
    vagueOnly: /^\d\.4\./,
  },
  {
    id: 'text-system',
    pattern: systemError.pattern,
    reason: 'system-error',
    status: '4.3.0',
    vagueOnly: /^\d\.3\./,
  },
  {
    id: 'text-syntax',
    pattern: protocolError.pattern,
    reason: 'syntax-error',
    status: '5.5.2',
    vagueOnly: /^\d\.5\./,
  },
  // A refusal of the recipient that gives no other reason ("Recipient address rejected:" begins
  // Postfix's every refusal of RCPT TO): not enough to call the address bad, and under a status of a
  // known family the status says more.
  {
    id: 'text-recipient-refused',
    pattern: recipientRefused.pattern,
    reason: 'filtered',
    status: '5.1.0',
    vagueOnly: true,
  },
];
