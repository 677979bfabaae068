/**
 * SMTP outcome rules as data (SPEC R9b, R12, R13, R16), read by `classifyReply()`: rows
 * `{id, when, outcome, reason}`, first match wins. A row with `when.path` applies to that path only;
 * a situation that the two paths treat differently has one row per path under the same id.
 *
 * Policy, in order: success; our own interruptions; recipient-count and rate "slow down" replies;
 * TLS and certificate causes; authentication; the relay refusing *us* (relaying, sender, client
 * host, sending quota); 5xx to the greeting, EHLO and MAIL FROM; recipient and content rejections;
 * then catch-alls for 421, 4xx, 5xx and network errors, and one for anything else.
 *
 * On `relay` every infrastructure failure is `fallback` and counts for the breaker; a recipient or
 * content rejection is `bounce` (falling back would bypass the org's own policy). On `platform`, the
 * final path, Postfix's rules hold: 4xx and network trouble defer, 5xx bounces; authentication and
 * TLS trouble defers too (the operator can repair it), like Postfix's smtp_sasl_auth_soft_bounce, and
 * so does a 5xx greeting, with scope `connection` so the next MX host is tried
 * (smtp_skip_5xx_greeting). 5xx to EHLO/HELO or MAIL FROM bounces the whole message.
 *
 * `outcome.status` is what to record when the server gave no specific status; `outcome.scope` absent
 * means the scope of the step (RCPT → recipient, MAIL/DATA → message, before MAIL → connection).
 *
 * Wording is read from `smtp-wording.ts`, shared with the bounce rules: a phrase means the same to
 * both, and a status code other than `X.0.0` outranks it (`vague`).
 */
import {
  badDomain,
  clientBlocked,
  mailboxDisabled,
  mailboxFull,
  mailboxUnavailable,
  messageTooBig,
  noSuchAccount,
  rateLimited,
  recipientRefused,
  relayDenied,
  senderRefused,
  sendingQuota,
  spam,
  tooManyRecipients,
  unauthenticated,
  userUnknown,
  virus,
} from './smtp-wording.js';

export type DeliveryPath = 'relay' | 'platform';
export type SmtpStep =
  | 'connect'
  | 'greeting'
  | 'ehlo'
  | 'starttls'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'message';
export type ReplyAction = 'sent' | 'defer' | 'bounce' | 'fallback' | 'slowdown';
export type ReplyScope = 'recipient' | 'message' | 'connection' | 'relay';

/** All conditions given must hold; a list holds when any of its entries does. */
export interface RuleConditions {
  path?: DeliveryPath;
  steps?: readonly SmtpStep[];
  /** Class digit of the reply code, else of the enhanced status. */
  class?: 2 | 4 | 5;
  /** Whether the server answered (a reply code or an enhanced status is known). */
  replied?: boolean;
  /** Whether an error kind (nodemailer `err.code`) is given. */
  failed?: boolean;
  /** Whether the status is absent or only `X.0.0`: wording decides only when the status does not. */
  vague?: boolean;
  codes?: readonly number[];
  /** Matched against the enhanced status, e.g. `5.1.1`. */
  status?: RegExp;
  text?: RegExp;
  /** nodemailer error kinds (`EAUTH`, `ESOCKET`…). */
  kinds?: readonly string[];
  /** Underlying causes (`ECONNREFUSED`, `CERT_HAS_EXPIRED`…); a trailing `*` matches a prefix. */
  causes?: readonly string[];
  /** nodemailer `timeoutType` values. */
  timeouts?: readonly string[];
  /** Alternatives: at least one must hold (besides the conditions above). */
  any?: readonly RuleConditions[];
}

export interface RuleOutcome {
  action: ReplyAction;
  scope?: ReplyScope;
  status?: string;
  breaker: boolean;
}

export interface ReplyRule {
  id: string;
  when: RuleConditions;
  outcome: RuleOutcome;
  reason: string;
}

const sent: RuleOutcome = { action: 'sent', breaker: false };
const fallback = (status?: string, scope?: ReplyScope): RuleOutcome => ({
  action: 'fallback',
  scope,
  status,
  breaker: true,
});
const defer = (status?: string, scope?: ReplyScope): RuleOutcome => ({
  action: 'defer',
  scope,
  status,
  breaker: false,
});
const bounce = (status?: string, scope?: ReplyScope): RuleOutcome => ({
  action: 'bounce',
  scope,
  status,
  breaker: false,
});
const slowdown = (status: string, scope: ReplyScope): RuleOutcome => ({
  action: 'slowdown',
  scope,
  status,
  breaker: false,
});

/** One row for the relay path and one for the platform path, under one id. */
function byPath(
  id: string,
  when: RuleConditions,
  relay: RuleOutcome,
  platform: RuleOutcome,
  reason: string,
): ReplyRule[] {
  return [
    { id, when: { ...when, path: 'relay' }, outcome: relay, reason },
    { id, when: { ...when, path: 'platform' }, outcome: platform, reason },
  ];
}

/**
 * An infrastructure failure: the relay path falls back, the platform path retries later. The
 * platform has no relay settings to blame, so a `relay` scope reads `connection` there.
 */
function infra(
  id: string,
  when: RuleConditions,
  status: string,
  scope: ReplyScope,
  reason: string,
): ReplyRule[] {
  return byPath(
    id,
    when,
    fallback(status, scope),
    defer(status, scope === 'relay' ? 'connection' : scope),
    reason,
  );
}

const recipientSteps: readonly SmtpStep[] = ['rcpt', 'data', 'message'];
const afterGreeting: readonly SmtpStep[] = ['ehlo', 'starttls', 'auth', 'mail', ...recipientSteps];
/** Loose size wording, believed only with reply code 552 or nodemailer's own size error. */
const sizeWords = /size|too (big|large)/i;

const certExpired = ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'];
const certName = ['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT', 'HOSTNAME_MISMATCH'];
const certSelfSigned = ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'];
const certUntrusted = [
  'UNABLE_TO_*',
  'CERT_*',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
];
const tlsWrongMode = [
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_UNKNOWN_PROTOCOL',
];

export const smtpReplyRules: readonly ReplyRule[] = Object.freeze([
  { id: 'reply.ok', when: { class: 2, failed: false }, outcome: sent, reason: 'accepted' },

  // Our own side stopped the send: nothing to hold against the relay or the recipient.
  {
    id: 'local.interrupted',
    when: { kinds: ['EABORT', 'EMAXLIMIT', 'ESTREAM'] },
    outcome: defer('4.3.0', 'message'),
    reason: 'sending was interrupted on our side',
  },
  {
    id: 'envelope.invalid',
    when: { kinds: ['EENVELOPE'], replied: false },
    outcome: bounce('5.1.3', 'message'),
    reason: 'the sender or a recipient address is not valid',
  },
  {
    // Platform delivery refused every MX address under the host policy (`EPOLICY` is mailroute's own
    // kind, never nodemailer's): permanent, as `platform-attempt.ts` explains.
    id: 'mx.address-refused',
    when: { path: 'platform', kinds: ['EPOLICY'] },
    outcome: bounce('5.4.4', 'recipient'),
    reason:
      "every address of the recipient domain's mail servers is one the host policy refuses (MAILROUTE_RELAY_HOSTS)",
  },
  {
    // Platform delivery under an `enforce` MTA-STS policy (RFC 8461) that names none of the domain's
    // MX hosts (`EMTASTS` is mailroute's own kind): never sent in clear or elsewhere, deferred until
    // the domain's MX or policy changes, or the delivery reaches its maximum age.
    id: 'mx.mta-sts-mismatch',
    when: { path: 'platform', kinds: ['EMTASTS'] },
    outcome: defer('4.7.5', 'recipient'),
    reason: "none of the recipient domain's mail servers is named by its MTA-STS policy (enforce)",
  },
  {
    id: 'message.too-big',
    when: {
      any: [
        { status: /^5\.(3\.4|2\.3)$/ },
        { class: 5, vague: true, text: messageTooBig.pattern },
        { codes: [552], text: sizeWords },
        { kinds: ['EMESSAGE'], replied: false, text: sizeWords },
      ],
    },
    outcome: bounce('5.3.4', 'message'),
    reason: 'the message is larger than the server accepts',
  },
  ...byPath(
    'tls.requiretls-unsupported',
    { kinds: ['EREQUIRETLS'] },
    fallback('5.7.30', 'relay'),
    bounce('5.7.30', 'message'),
    'the message requires REQUIRETLS and the server does not support it',
  ),

  // Slow down (R9b): lower the pace for this relay; not a failure.
  ...byPath(
    'slowdown.too-many-recipients',
    {
      any: [
        { status: /^4\.5\.3$/ },
        { class: 4, text: tooManyRecipients.pattern },
        { codes: [552], steps: ['rcpt'], text: tooManyRecipients.pattern },
      ],
    },
    slowdown('4.5.3', 'recipient'),
    defer('4.5.3', 'recipient'),
    'too many recipients in one transaction: send the rest later',
  ),
  ...infra(
    'relay.quota-exceeded',
    { replied: true, any: [{ text: sendingQuota.pattern }, { class: 5, text: rateLimited.pattern }] },
    '5.4.5',
    'relay',
    'the account reached its sending quota or rate',
  ),
  ...byPath(
    'slowdown.rate-limited',
    { class: 4, any: [{ status: /^4\.7\.(28|[56]\d\d)$/ }, { text: rateLimited.pattern }] },
    slowdown('4.7.0', 'relay'),
    defer('4.7.0', 'connection'),
    'the server asks us to slow down (rate limit or too many connections)',
  ),

  // TLS, classified on the cause: nodemailer counts certificate failures as transient.
  ...infra(
    'tls.cert-expired',
    { causes: certExpired },
    '5.7.0',
    'relay',
    'the server certificate has expired or is not valid yet',
  ),
  ...infra(
    'tls.cert-name-mismatch',
    { causes: certName },
    '5.7.0',
    'relay',
    'the server certificate is for another host name',
  ),
  ...infra(
    'tls.cert-self-signed',
    { causes: certSelfSigned },
    '5.7.0',
    'relay',
    'the server certificate is self-signed (add its CA certificate to the relay)',
  ),
  ...infra(
    'tls.cert-untrusted',
    { causes: certUntrusted },
    '5.7.0',
    'relay',
    'the server certificate could not be verified (unknown or incomplete chain)',
  ),
  ...infra(
    'tls.wrong-mode',
    { causes: tlsWrongMode },
    '5.7.0',
    'relay',
    'the TLS mode does not match the port (implicit TLS "ssl" on a STARTTLS port?)',
  ),
  ...infra(
    'tls.handshake-failed',
    { any: [{ causes: ['ERR_SSL_*', 'ERR_TLS_*', 'EPROTO'] }, { kinds: ['ETLS'], replied: false }] },
    '4.7.0',
    'relay',
    'the TLS handshake failed',
  ),
  ...infra(
    'starttls.failed',
    { any: [{ kinds: ['ETLS'] }, { steps: ['starttls'], replied: true }] },
    '4.7.0',
    'relay',
    'the server did not offer STARTTLS or refused it, and security "tls" requires it',
  ),

  // Authentication: wrong credentials, revoked OAuth2 consent, authentication required.
  ...infra(
    'auth.oauth2',
    { replied: false, any: [{ kinds: ['EOAUTH2'] }, { causes: ['EOAUTH2'] }] },
    '5.7.8',
    'relay',
    'no OAuth2 access token could be had: consent may need to be given again',
  ),
  ...infra(
    'auth.token-unreachable',
    { replied: false, causes: ['EFETCH'] },
    '4.7.0',
    'relay',
    'the OAuth2 token endpoint could not be reached',
  ),
  ...infra(
    'auth.failed',
    {
      any: [
        { kinds: ['EAUTH', 'ENOAUTH', 'EOAUTH2'] },
        { codes: [530, 534, 535, 538] },
        { steps: ['auth'], replied: true },
      ],
    },
    '5.7.8',
    'relay',
    'authentication failed: check the user name, password or OAuth2 sign-in',
  ),

  // The relay refusing *us*, even on RCPT TO: fall back, it is not the recipient's fault.
  {
    id: 'relay.denied',
    when: { path: 'relay', text: relayDenied.pattern },
    outcome: fallback('5.7.1', 'relay'),
    reason: 'the relay refuses to relay our mail (it does not recognize us as its client)',
  },
  {
    id: 'relay.denied',
    when: { path: 'platform', class: 5, text: relayDenied.pattern },
    outcome: bounce('5.7.1'),
    reason: 'the receiving server does not accept mail for this recipient',
  },
  {
    id: 'relay.sender-refused',
    when: { path: 'relay', any: [{ text: senderRefused.pattern }, { status: /^[45]\.1\.[78]$/ }] },
    outcome: fallback('5.7.1', 'relay'),
    reason: 'the relay does not accept our sender address for this account',
  },
  {
    id: 'relay.sender-refused',
    when: { path: 'platform', class: 5, any: [{ text: senderRefused.pattern }, { status: /^5\.1\.[78]$/ }] },
    outcome: bounce('5.7.1', 'message'),
    reason: 'the receiving server does not accept our sender address',
  },
  {
    id: 'relay.client-blocked',
    when: { path: 'relay', text: clientBlocked.pattern },
    outcome: fallback('5.7.1', 'relay'),
    reason: 'the relay refuses our sending address (block list or reverse DNS)',
  },
  {
    id: 'relay.client-blocked',
    when: { path: 'platform', class: 5, steps: afterGreeting, text: clientBlocked.pattern },
    outcome: bounce('5.7.1', 'message'),
    reason: 'the receiving server refuses our sending address (block list or reverse DNS)',
  },

  // 5xx before the recipients (EHLO: see reply.5xx): the relay cannot take the message; the final path
  // gives up.
  ...byPath(
    'greeting.rejected',
    { steps: ['connect', 'greeting'], class: 5 },
    fallback('5.3.2', 'connection'),
    defer('4.3.2', 'connection'),
    'the server refused the connection in its greeting',
  ),
  ...byPath(
    'mail.rejected',
    { steps: ['mail'], class: 5 },
    fallback(undefined, 'message'),
    bounce(undefined, 'message'),
    'the server rejected MAIL FROM',
  ),
  ...byPath(
    'reply.bad-sequence',
    { codes: [503] },
    fallback('5.5.1', 'connection'),
    defer('4.5.1', 'connection'),
    'the server and we disagree on the SMTP session state (503)',
  ),

  // Recipient and content rejections (5xx on RCPT TO or after DATA): bounce on both paths.
  // The domain before the mailbox, as in the bounce rules: "no such domain" is not about a user.
  {
    id: 'rcpt.bad-domain',
    when: {
      class: 5,
      steps: recipientSteps,
      any: [{ status: /^5\.1\.(2|10)$/ }, { vague: true, text: badDomain.pattern }],
    },
    outcome: bounce('5.1.2'),
    reason: 'the recipient domain does not exist or accepts no mail',
  },
  {
    id: 'rcpt.user-unknown',
    when: {
      class: 5,
      steps: recipientSteps,
      any: [
        { status: /^5\.1\.1$/ },
        { vague: true, text: userUnknown.pattern },
        { vague: true, text: noSuchAccount.pattern },
        { vague: true, text: mailboxUnavailable.pattern },
        // A policy status with words that say only "no such user" (an access table's "REJECT User
        // unknown"), as the bounce rules read it.
        { status: /^5\.7\.\d+$/, text: userUnknown.pattern },
      ],
    },
    outcome: bounce('5.1.1'),
    reason: 'the recipient mailbox does not exist',
  },
  {
    id: 'rcpt.bad-address',
    when: { class: 5, steps: recipientSteps, status: /^5\.1\.\d+$/ },
    outcome: bounce('5.1.3'),
    reason: 'the recipient address is not valid',
  },
  {
    id: 'rcpt.mailbox-full',
    when: {
      class: 5,
      steps: recipientSteps,
      any: [{ status: /^5\.2\.2$/ }, { vague: true, text: mailboxFull.pattern }],
    },
    outcome: bounce('5.2.2'),
    reason: 'the recipient mailbox is full',
  },
  {
    id: 'rcpt.mailbox-disabled',
    when: {
      class: 5,
      steps: recipientSteps,
      any: [{ status: /^5\.2\.1$/ }, { vague: true, text: mailboxDisabled.pattern }],
    },
    outcome: bounce('5.2.1'),
    reason: 'the recipient mailbox is disabled',
  },
  {
    id: 'rcpt.mailbox-unavailable',
    when: { class: 5, steps: recipientSteps, status: /^5\.2\.\d+$/ },
    outcome: bounce('5.2.0'),
    reason: 'the recipient mailbox is unavailable',
  },
  {
    id: 'content.virus',
    when: { class: 5, steps: recipientSteps, text: virus.pattern },
    outcome: bounce('5.7.1', 'message'),
    reason: 'the server found a virus or malware in the message',
  },
  {
    id: 'content.unauthenticated',
    when: {
      class: 5,
      steps: recipientSteps,
      any: [{ status: /^5\.7\.(23|25|26)$/ }, { text: unauthenticated.pattern }],
    },
    outcome: bounce('5.7.26', 'message'),
    reason: 'the message failed SPF, DKIM or DMARC checks at the server',
  },
  {
    id: 'content.spam',
    when: { class: 5, steps: recipientSteps, text: spam.pattern },
    outcome: bounce('5.7.1', 'message'),
    reason: 'the server rejected the message as spam or by content policy',
  },
  {
    id: 'content.invalid',
    when: { class: 5, steps: recipientSteps, status: /^5\.6\.\d+$/ },
    outcome: bounce('5.6.0', 'message'),
    reason: 'the server rejected the message format or content',
  },
  {
    id: 'rcpt.refused',
    when: { class: 5, steps: recipientSteps, text: recipientRefused.pattern },
    outcome: bounce('5.1.0'),
    reason: 'the server refused the recipient',
  },
  {
    id: 'rcpt.policy',
    when: { class: 5, steps: recipientSteps, status: /^5\.7\.\d+$/ },
    outcome: bounce('5.7.1'),
    reason: 'the server refused the recipient or message by policy',
  },
  {
    id: 'reply.system-trouble',
    when: { path: 'relay', class: 5, steps: recipientSteps, status: /^5\.[345]\.\d+$/ },
    outcome: fallback(undefined, 'connection'),
    reason: 'the relay has a system, routing or protocol problem',
  },
  {
    id: 'rcpt.rejected',
    when: { class: 5, steps: ['rcpt'] },
    outcome: bounce('5.0.0', 'recipient'),
    reason: 'the server rejected the recipient',
  },
  {
    id: 'message.rejected',
    when: { class: 5, steps: ['data', 'message'] },
    outcome: bounce('5.0.0', 'message'),
    reason: 'the server rejected the message',
  },

  // Catch-alls for replies.
  ...infra('server.closing', { codes: [421] }, '4.3.2', 'connection', 'the server is closing the connection'),
  ...byPath('reply.4xx', { class: 4 }, fallback(), defer(), 'the server deferred (temporary failure)'),
  ...byPath(
    'reply.5xx',
    { class: 5 },
    fallback(),
    bounce(undefined, 'message'),
    'the server refused (permanent failure)',
  ),

  // Network trouble without a reply.
  ...infra(
    'dns.failed',
    {
      any: [
        { kinds: ['EDNS'] },
        { causes: ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL'] },
      ],
    },
    '4.4.3',
    'connection',
    'the server name could not be resolved',
  ),
  ...infra('conn.refused', { causes: ['ECONNREFUSED'] }, '4.4.1', 'connection', 'the connection was refused'),
  ...infra(
    'conn.unreachable',
    {
      any: [
        { causes: ['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL'] },
        { kinds: ['EPROXY'] },
      ],
    },
    '4.4.1',
    'connection',
    'the server could not be reached',
  ),
  ...infra(
    'timeout.greeting',
    { timeouts: ['GREETING_TIMEOUT'] },
    '4.4.2',
    'connection',
    'no greeting from the server (slow, or the port expects implicit TLS "ssl")',
  ),
  ...infra(
    'timeout.tls',
    { timeouts: ['UPGRADE_TIMEOUT'] },
    '4.4.2',
    'connection',
    'the TLS handshake timed out',
  ),
  ...infra(
    'timeout.connect',
    { any: [{ timeouts: ['CONNECT_TIMEOUT'] }, { causes: ['ETIMEDOUT', 'ESOCKETTIMEDOUT'] }] },
    '4.4.2',
    'connection',
    'the connection timed out',
  ),
  ...infra(
    'timeout.idle',
    { any: [{ timeouts: ['SOCKET_TIMEOUT'] }, { kinds: ['ETIMEDOUT'] }] },
    '4.4.2',
    'connection',
    'the server stopped answering',
  ),
  ...infra(
    'conn.lost',
    { any: [{ causes: ['ECONNRESET', 'EPIPE', 'ECONNABORTED'] }, { kinds: ['ECONNECTION'] }] },
    '4.4.2',
    'connection',
    'the connection was lost',
  ),
  ...infra('config.invalid', { kinds: ['ECONFIG'] }, '4.3.5', 'relay', 'the relay settings are not usable'),

  ...infra('error.unknown', {}, '4.0.0', 'connection', 'the send failed for an unrecognized reason'),
]);
