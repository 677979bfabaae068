import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerSmtpCommand } from '../../src/cli/commands/smtp.js';
import {
  type Classification,
  classifyNodemailerError,
  classifyReply,
  fromNodemailerError,
  parseReply,
  type ReplyInput,
  rejectedRecipientInputs,
  type SmtpStep,
} from '../../src/domain/smtp-reply.js';
import { smtpReplyRules } from '../../src/domain/smtp-reply-rules.js';

type Case = [name: string, input: ReplyInput, expected: Partial<Classification>];

const relay = (command: SmtpStep, text: string, more: Partial<ReplyInput> = {}): ReplyInput => ({
  path: 'relay',
  command,
  text,
  ...more,
});
const platform = (command: SmtpStep, text: string, more: Partial<ReplyInput> = {}): ReplyInput => ({
  path: 'platform',
  command,
  text,
  ...more,
});
const failure = (path: 'relay' | 'platform', command: SmtpStep, more: Partial<ReplyInput>): ReplyInput => ({
  path,
  command,
  ...more,
});

const fellBack = (ruleId: string, status: string): Partial<Classification> => ({
  action: 'fallback',
  ruleId,
  status,
  breaker: true,
  permanent: status.startsWith('5'),
});
const bounced = (
  ruleId: string,
  status: string,
  scope: Classification['scope'],
): Partial<Classification> => ({
  action: 'bounce',
  ruleId,
  status,
  scope,
  breaker: false,
  permanent: true,
});
const deferred = (ruleId: string, status: string): Partial<Classification> => ({
  action: 'defer',
  ruleId,
  status,
  breaker: false,
  permanent: false,
});
const slowed = (ruleId: string, status: string): Partial<Classification> => ({
  action: 'slowdown',
  ruleId,
  status,
  breaker: false,
  permanent: false,
});

const relayCases: Case[] = [
  [
    '250 2.0.0 queued after DATA through a relay is sent',
    relay('message', '250 2.0.0 Ok: queued as 4Z1'),
    {
      action: 'sent',
      ruleId: 'reply.ok',
      status: '2.0.0',
      scope: 'message',
      breaker: false,
      permanent: false,
    },
  ],
  [
    '250 without an enhanced status is sent with 2.0.0',
    relay('rcpt', '250 Accepted'),
    { action: 'sent', status: '2.0.0', scope: 'recipient' },
  ],
  [
    '550 5.1.1 user unknown on RCPT through a relay bounces without fallback',
    relay('rcpt', '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown'),
    bounced('rcpt.user-unknown', '5.1.1', 'recipient'),
  ],
  [
    'a multi-line 550-5.1.1 reply bounces as user unknown',
    relay(
      'rcpt',
      "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 double-checking the recipient's email address.\r\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser",
    ),
    bounced('rcpt.user-unknown', '5.1.1', 'recipient'),
  ],
  [
    '  550 5.7.1 with leading whitespace still bounces',
    relay('message', '  550 5.7.1 Message rejected as spam by Content Filtering'),
    bounced('content.spam', '5.7.1', 'message'),
  ],
  [
    '550 without an enhanced status and "mailbox unavailable" bounces as user unknown with 5.1.1',
    relay('rcpt', '550 Requested action not taken: mailbox unavailable'),
    bounced('rcpt.user-unknown', '5.1.1', 'recipient'),
  ],
  [
    'lowercase "user unknown" with a generic 5.0.0 is recorded as 5.1.1',
    relay('rcpt', '550 5.0.0 <a@example.com>... user unknown'),
    bounced('rcpt.user-unknown', '5.1.1', 'recipient'),
  ],
  [
    'an enhanced status in the text without a reply code still bounces',
    relay('rcpt', '5.1.1 The email account does not exist'),
    bounced('rcpt.user-unknown', '5.1.1', 'recipient'),
  ],
  [
    '550 5.1.2 domain not found bounces for the recipient',
    relay('rcpt', '550 5.1.2 <a@nowhere.example>: Recipient address rejected: Domain not found'),
    bounced('rcpt.bad-domain', '5.1.2', 'recipient'),
  ],
  [
    'a 550 saying host not found without a status bounces as a bad domain with 5.1.2',
    relay('rcpt', '550 Host or domain name not found. Name service error'),
    bounced('rcpt.bad-domain', '5.1.2', 'recipient'),
  ],
  [
    '550 5.1.10 null MX bounces as a bad domain',
    relay('rcpt', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'),
    bounced('rcpt.bad-domain', '5.1.10', 'recipient'),
  ],
  [
    '553 5.1.3 bad address syntax bounces',
    relay('rcpt', '553 5.1.3 The recipient address <a@@b> is not a valid RFC-5321 address'),
    bounced('rcpt.bad-address', '5.1.3', 'recipient'),
  ],
  [
    '552 5.2.2 mailbox full after DATA bounces (a full mailbox is the recipient’s)',
    relay('message', '552 5.2.2 <full@example.com>: mailbox full'),
    bounced('rcpt.mailbox-full', '5.2.2', 'message'),
  ],
  [
    '550 5.2.1 disabled mailbox bounces',
    relay('rcpt', '550 5.2.1 The email account that you tried to reach is disabled'),
    bounced('rcpt.mailbox-disabled', '5.2.1', 'recipient'),
  ],
  [
    '550 5.2.0 other mailbox status bounces, its status deciding over the wording',
    relay('rcpt', '550 5.2.0 Mailbox unavailable for policy reasons'),
    bounced('rcpt.mailbox-unavailable', '5.2.0', 'recipient'),
  ],
  [
    '552 5.3.4 message too big after DATA bounces',
    relay('message', '552 5.3.4 Message size exceeds fixed maximum message size'),
    bounced('message.too-big', '5.3.4', 'message'),
  ],
  [
    '552 5.3.4 on MAIL FROM (SIZE) bounces rather than falls back: size is content',
    relay('mail', '552 5.3.4 Message size exceeds fixed limit'),
    bounced('message.too-big', '5.3.4', 'message'),
  ],
  [
    '554 5.7.1 virus found after DATA bounces',
    relay('message', '554 5.7.1 Message rejected: virus found (Eicar-Test-Signature)'),
    bounced('content.virus', '5.7.1', 'message'),
  ],
  [
    '550 5.7.26 DMARC failure after DATA bounces',
    relay(
      'message',
      "550 5.7.26 Unauthenticated email from sakura.com is not accepted due to domain's DMARC policy",
    ),
    bounced('content.unauthenticated', '5.7.26', 'message'),
  ],
  [
    '550 5.7.1 unsolicited mail after DATA bounces as spam',
    relay(
      'message',
      '550-5.7.1 Our system has detected that this message is\r\n550 5.7.1 likely unsolicited mail.',
    ),
    bounced('content.spam', '5.7.1', 'message'),
  ],
  [
    '554 5.6.0 invalid header bounces as invalid content',
    relay('message', '554 5.6.0 Message contains invalid header'),
    bounced('content.invalid', '5.6.0', 'message'),
  ],
  [
    'Recipient address rejected: Access denied with 5.4.1 bounces (a refused recipient)',
    relay('rcpt', '550 5.4.1 Recipient address rejected: Access denied. AS(201806281)'),
    bounced('rcpt.refused', '5.4.1', 'recipient'),
  ],
  [
    '550 5.7.1 other policy on RCPT bounces for the recipient',
    relay('rcpt', '550 5.7.1 Recipient not authorized to receive mail from this sender'),
    bounced('rcpt.policy', '5.7.1', 'recipient'),
  ],
  [
    'an unexplained 550 on RCPT bounces for the recipient',
    relay('rcpt', '550 Rejected'),
    bounced('rcpt.rejected', '5.0.0', 'recipient'),
  ],
  [
    'an unexplained 554 after DATA bounces the message',
    relay('message', '554 Transaction failed'),
    bounced('message.rejected', '5.0.0', 'message'),
  ],
  [
    '554 5.4.6 hop count exceeded on RCPT falls back: the relay has a routing problem',
    relay('rcpt', '554 5.4.6 Hop count exceeded - possible mail loop'),
    { ...fellBack('reply.system-trouble', '5.4.6'), scope: 'connection' },
  ],
  [
    '535 5.7.8 on AUTH falls back and counts for the breaker',
    relay('auth', '535 5.7.8 Error: authentication failed: authentication failure'),
    { ...fellBack('auth.failed', '5.7.8'), scope: 'relay' },
  ],
  [
    '535 5.7.139 SmtpClientAuthentication disabled (Microsoft 365) falls back',
    relay(
      'auth',
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.',
    ),
    fellBack('auth.failed', '5.7.139'),
  ],
  [
    '530 5.7.0 Authentication Required on MAIL FROM falls back as an authentication failure',
    relay('mail', '530 5.7.0 Authentication Required.'),
    fellBack('auth.failed', '5.7.0'),
  ],
  [
    '454 4.7.0 temporary authentication failure falls back without being permanent',
    relay('auth', '454 4.7.0 Temporary authentication failure'),
    fellBack('auth.failed', '4.7.0'),
  ],
  [
    'EAUTH without a reply (XOAUTH2 token refresh) falls back as an OAuth2 failure',
    failure('relay', 'auth', { errorKind: 'EAUTH', errorCause: 'EOAUTH2', text: 'invalid_grant' }),
    { ...fellBack('auth.oauth2', '5.7.8'), scope: 'relay' },
  ],
  [
    'EAUTH from an unreachable OAuth2 token endpoint falls back without being permanent',
    failure('relay', 'auth', {
      errorKind: 'EAUTH',
      errorCause: 'EFETCH',
      text: 'connect ECONNREFUSED 127.0.0.1:1',
    }),
    { ...fellBack('auth.token-unreachable', '4.7.0'), scope: 'relay' },
  ],
  [
    '554 5.7.1 Relay access denied on RCPT falls back',
    relay('rcpt', '554 5.7.1 <x@gmail.com>: Relay access denied'),
    { ...fellBack('relay.denied', '5.7.1'), scope: 'relay' },
  ],
  [
    '550 5.7.1 Relaying denied (Sendmail) on RCPT falls back',
    relay('rcpt', '550 5.7.1 <x@gmail.com>... Relaying denied. Proper authentication required.'),
    fellBack('relay.denied', '5.7.1'),
  ],
  [
    '550 relay not permitted (Exim) falls back and records 5.7.1',
    relay('rcpt', '550 relay not permitted'),
    fellBack('relay.denied', '5.7.1'),
  ],
  [
    '550 5.7.54 unable to relay (Microsoft 365) falls back',
    relay('rcpt', '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'),
    fellBack('relay.denied', '5.7.54'),
  ],
  [
    '454 4.7.1 Relay access denied falls back as a temporary refusal',
    relay('rcpt', '454 4.7.1 <x@gmail.com>: Relay access denied'),
    fellBack('relay.denied', '4.7.1'),
  ],
  [
    'relay access denied as text without a code falls back',
    relay('rcpt', 'Relay access denied'),
    fellBack('relay.denied', '5.7.1'),
  ],
  [
    '553 5.7.1 Sender address rejected: not owned by user on RCPT falls back',
    relay('rcpt', '553 5.7.1 <ceo@sakura.com>: Sender address rejected: not owned by user amelia@sakura.com'),
    { ...fellBack('relay.sender-refused', '5.7.1'), scope: 'relay' },
  ],
  [
    '550 5.7.60 no permission to send as this sender (Microsoft 365) falls back',
    relay('message', '550 5.7.60 SMTP; Client does not have permissions to send as this sender'),
    fellBack('relay.sender-refused', '5.7.60'),
  ],
  [
    '554 5.7.1 client host blocked using a block list on RCPT falls back',
    relay('rcpt', '554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org'),
    fellBack('relay.client-blocked', '5.7.1'),
  ],
  [
    '550 5.4.5 daily sending quota exceeded (Gmail) falls back and counts',
    relay('mail', '550 5.4.5 Daily user sending quota exceeded.'),
    { ...fellBack('relay.quota-exceeded', '5.4.5'), scope: 'relay' },
  ],
  [
    '554 5.2.0 SubmissionQuotaExceeded after DATA falls back: the account is out of quota, not the mailbox',
    relay('message', '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException'),
    fellBack('relay.quota-exceeded', '5.2.0'),
  ],
  [
    '421 4.7.0 too many connections slows down',
    relay('greeting', '421 4.7.0 mx.sakura.com Error: too many connections from 203.0.113.9'),
    { ...slowed('slowdown.rate-limited', '4.7.0'), scope: 'relay' },
  ],
  [
    '421-4.7.28 unusual rate (Gmail) slows down',
    relay('message', '421-4.7.28 Our system has detected an unusual rate of\r\n421 4.7.28 unsolicited mail.'),
    slowed('slowdown.rate-limited', '4.7.28'),
  ],
  [
    '450 4.7.1 try again later, too many messages slows down',
    relay('rcpt', '450 4.7.1 Error: try again later, too many messages'),
    slowed('slowdown.rate-limited', '4.7.1'),
  ],
  [
    '451 4.7.500 server busy (Microsoft 365) slows down',
    relay('mail', '451 4.7.500 Server busy. Please try again later from [203.0.113.9].'),
    slowed('slowdown.rate-limited', '4.7.500'),
  ],
  [
    '421 without an enhanced status but with rate wording slows down with 4.7.0',
    relay('greeting', '421 Too many concurrent SMTP connections; please try again later.'),
    slowed('slowdown.rate-limited', '4.7.0'),
  ],
  [
    '452 4.5.3 too many recipients slows down for the recipient',
    relay('rcpt', '452 4.5.3 Error: too many recipients'),
    { ...slowed('slowdown.too-many-recipients', '4.5.3'), scope: 'recipient' },
  ],
  [
    '421 4.3.2 service not available falls back: the server is closing',
    relay('greeting', '421 4.3.2 Service not available, closing transmission channel'),
    { ...fellBack('server.closing', '4.3.2'), scope: 'connection' },
  ],
  [
    '451 4.3.0 local problem on RCPT falls back and counts for the breaker',
    relay('rcpt', '451 4.3.0 Error: queue file write error'),
    { ...fellBack('reply.4xx', '4.3.0'), scope: 'recipient' },
  ],
  [
    '452 4.2.2 mailbox full on RCPT falls back: every other 4xx does on a relay',
    relay('rcpt', '452 4.2.2 Mailbox full'),
    fellBack('reply.4xx', '4.2.2'),
  ],
  [
    '554 greeting refusal falls back',
    relay('greeting', '554 mx.sakura.com ESMTP not accepting messages'),
    { ...fellBack('greeting.rejected', '5.3.2'), scope: 'connection' },
  ],
  [
    '502 5.5.2 on EHLO falls back through the 5xx catch-all',
    relay('ehlo', '502 5.5.2 Error: command not recognized'),
    { ...fellBack('reply.5xx', '5.5.2'), scope: 'connection' },
  ],
  [
    '553 5.1.0 on MAIL FROM falls back',
    relay('mail', '553 5.1.0 Bad sender address syntax'),
    { ...fellBack('mail.rejected', '5.1.0'), scope: 'message' },
  ],
  [
    '503 5.5.1 bad sequence falls back',
    relay('rcpt', '503 5.5.1 Error: need MAIL command'),
    fellBack('reply.bad-sequence', '5.5.1'),
  ],
  [
    'ETLS on STARTTLS with 502 (STARTTLS not offered) falls back',
    failure('relay', 'starttls', { errorKind: 'ETLS', code: 502, text: '502 5.5.1 Unrecognized command' }),
    { ...fellBack('starttls.failed', '5.5.1'), scope: 'relay' },
  ],
  [
    '454 4.7.0 TLS not available falls back without being permanent',
    relay('starttls', '454 4.7.0 TLS not available due to local problem'),
    fellBack('starttls.failed', '4.7.0'),
  ],
  [
    'CERT_HAS_EXPIRED falls back',
    failure('relay', 'connect', { errorKind: 'ESOCKET', errorCause: 'CERT_HAS_EXPIRED' }),
    { ...fellBack('tls.cert-expired', '5.7.0'), scope: 'relay' },
  ],
  [
    'DEPTH_ZERO_SELF_SIGNED_CERT falls back',
    failure('relay', 'connect', { errorKind: 'ESOCKET', errorCause: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    fellBack('tls.cert-self-signed', '5.7.0'),
  ],
  [
    'ERR_TLS_CERT_ALTNAME_INVALID falls back',
    failure('relay', 'connect', { errorKind: 'ESOCKET', errorCause: 'ERR_TLS_CERT_ALTNAME_INVALID' }),
    fellBack('tls.cert-name-mismatch', '5.7.0'),
  ],
  [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE falls back',
    failure('relay', 'connect', { errorKind: 'ESOCKET', errorCause: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
    fellBack('tls.cert-untrusted', '5.7.0'),
  ],
  [
    'ERR_SSL_WRONG_VERSION_NUMBER (ssl on a STARTTLS port) falls back',
    failure('relay', 'connect', { errorKind: 'ESOCKET', errorCause: 'ERR_SSL_WRONG_VERSION_NUMBER' }),
    fellBack('tls.wrong-mode', '5.7.0'),
  ],
  [
    'ETLS without a reply or cause falls back as a handshake failure',
    failure('relay', 'starttls', { errorKind: 'ETLS', text: 'Connection closed unexpectedly' }),
    fellBack('tls.handshake-failed', '4.7.0'),
  ],
  [
    'ECONNREFUSED falls back with 4.4.1',
    failure('relay', 'connect', { errorKind: 'ESOCKET', errorCause: 'ECONNREFUSED' }),
    { ...fellBack('conn.refused', '4.4.1'), scope: 'connection' },
  ],
  [
    'EHOSTUNREACH falls back with 4.4.1',
    failure('relay', 'connect', { errorKind: 'ESOCKET', errorCause: 'EHOSTUNREACH' }),
    fellBack('conn.unreachable', '4.4.1'),
  ],
  [
    'EDNS with ENOTFOUND falls back with 4.4.3',
    failure('relay', 'connect', { errorKind: 'EDNS', errorCause: 'ENOTFOUND' }),
    fellBack('dns.failed', '4.4.3'),
  ],
  [
    'EDNS with ESERVFAIL (the relay host lookup failed) falls back with 4.4.3, not as authentication',
    failure('relay', 'connect', { errorKind: 'EDNS', errorCause: 'ESERVFAIL' }),
    fellBack('dns.failed', '4.4.3'),
  ],
  [
    'EDNS with ETIMEOUT (no DNS answer) falls back with 4.4.3',
    failure('relay', 'connect', { errorKind: 'EDNS', errorCause: 'ETIMEOUT' }),
    fellBack('dns.failed', '4.4.3'),
  ],
  [
    'a connection timeout falls back with 4.4.2',
    failure('relay', 'connect', { errorKind: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' }),
    fellBack('timeout.connect', '4.4.2'),
  ],
  [
    'a greeting timeout (plain on an implicit-TLS port) falls back with 4.4.2',
    failure('relay', 'connect', { errorKind: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }),
    fellBack('timeout.greeting', '4.4.2'),
  ],
  [
    'a TLS upgrade timeout falls back',
    failure('relay', 'starttls', { errorKind: 'ETIMEDOUT', timeoutType: 'UPGRADE_TIMEOUT' }),
    fellBack('timeout.tls', '4.4.2'),
  ],
  [
    'an idle socket timeout falls back',
    failure('relay', 'message', { errorKind: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }),
    fellBack('timeout.idle', '4.4.2'),
  ],
  [
    'ECONNRESET falls back with 4.4.2',
    failure('relay', 'message', { errorKind: 'ESOCKET', errorCause: 'ECONNRESET' }),
    fellBack('conn.lost', '4.4.2'),
  ],
  [
    'ECONFIG falls back with 4.3.5',
    failure('relay', 'connect', { errorKind: 'ECONFIG' }),
    fellBack('config.invalid', '4.3.5'),
  ],
  [
    'EREQUIRETLS falls back',
    failure('relay', 'mail', { errorKind: 'EREQUIRETLS' }),
    fellBack('tls.requiretls-unsupported', '5.7.30'),
  ],
  [
    'an unrecognized error falls back through the catch-all',
    failure('relay', 'connect', { errorKind: 'ESOCKET', errorCause: 'ESOMETHING' }),
    fellBack('error.unknown', '4.0.0'),
  ],
  [
    'EABORT defers without blaming the relay',
    failure('relay', 'message', { errorKind: 'EABORT' }),
    deferred('local.interrupted', '4.3.0'),
  ],
  [
    'EENVELOPE without a reply (no recipients) bounces the message',
    failure('relay', 'rcpt', { errorKind: 'EENVELOPE', text: 'No recipients defined' }),
    bounced('envelope.invalid', '5.1.3', 'message'),
  ],
  [
    "nodemailer's own size check on MAIL FROM bounces as too big",
    failure('relay', 'mail', { errorKind: 'EMESSAGE', text: 'Message size larger than allowed 10240000' }),
    bounced('message.too-big', '5.3.4', 'message'),
  ],
];

const platformCases: Case[] = [
  [
    '250 on the platform path is sent',
    platform('message', '250 2.0.0 OK'),
    { action: 'sent', status: '2.0.0' },
  ],
  [
    '450 4.2.2 mailbox full on RCPT defers',
    platform('rcpt', '450 4.2.2 Mailbox full'),
    { ...deferred('reply.4xx', '4.2.2'), scope: 'recipient' },
  ],
  [
    '451 4.7.1 greylisting defers',
    platform('rcpt', '451 4.7.1 Please try again later (greylisted)'),
    deferred('reply.4xx', '4.7.1'),
  ],
  [
    '550 5.1.1 on RCPT bounces',
    platform('rcpt', '550 5.1.1 user unknown'),
    bounced('rcpt.user-unknown', '5.1.1', 'recipient'),
  ],
  [
    '554 5.7.1 spam after DATA bounces',
    platform('message', '554 5.7.1 Message rejected as spam'),
    bounced('content.spam', '5.7.1', 'message'),
  ],
  [
    '421 4.7.0 too many connections defers: no slow-down on the final path',
    platform('greeting', '421 4.7.0 Too many connections'),
    { ...deferred('slowdown.rate-limited', '4.7.0'), scope: 'connection' },
  ],
  [
    '452 4.5.3 too many recipients defers',
    platform('rcpt', '452 4.5.3 Too many recipients'),
    deferred('slowdown.too-many-recipients', '4.5.3'),
  ],
  [
    'ECONNREFUSED defers with 4.4.1',
    failure('platform', 'connect', { errorKind: 'ESOCKET', errorCause: 'ECONNREFUSED' }),
    { ...deferred('conn.refused', '4.4.1'), scope: 'connection' },
  ],
  [
    'CERT_HAS_EXPIRED defers with 4.7.0',
    failure('platform', 'connect', { errorKind: 'ESOCKET', errorCause: 'CERT_HAS_EXPIRED' }),
    { ...deferred('tls.cert-expired', '4.7.0'), scope: 'connection' },
  ],
  [
    'a greeting timeout defers',
    failure('platform', 'connect', { errorKind: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }),
    deferred('timeout.greeting', '4.4.2'),
  ],
  [
    '535 5.7.8 from the smarthost defers with 4.7.8 (soft bounce, the operator can repair it)',
    platform('auth', '535 5.7.8 Authentication credentials invalid'),
    deferred('auth.failed', '4.7.8'),
  ],
  [
    'EAUTH from XOAUTH2 defers',
    failure('platform', 'auth', { errorKind: 'EAUTH', errorCause: 'EOAUTH2' }),
    deferred('auth.oauth2', '4.7.8'),
  ],
  [
    '554 5.7.1 greeting refusal defers so that the next MX host is tried (smtp_skip_5xx_greeting)',
    platform('greeting', '554 5.7.1 mx.example.com Service unavailable'),
    { ...deferred('greeting.rejected', '4.7.1'), scope: 'connection' },
  ],
  [
    'a 554 greeting naming a block list defers too',
    platform(
      'greeting',
      '554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org',
    ),
    { ...deferred('greeting.rejected', '4.7.1'), scope: 'connection' },
  ],
  [
    '502 5.5.2 on EHLO bounces the whole message',
    platform('ehlo', '502 5.5.2 Error: command not recognized'),
    bounced('reply.5xx', '5.5.2', 'message'),
  ],
  [
    '550 5.7.1 on MAIL FROM bounces the whole message',
    platform('mail', '550 5.7.1 Access denied'),
    bounced('mail.rejected', '5.7.1', 'message'),
  ],
  [
    '554 5.7.1 Relay access denied from a receiving server bounces the recipient',
    platform('rcpt', '554 5.7.1 <x@example.com>: Relay access denied'),
    bounced('relay.denied', '5.7.1', 'recipient'),
  ],
  [
    '454 4.7.1 Relay access denied defers',
    platform('rcpt', '454 4.7.1 <x@example.com>: Relay access denied'),
    deferred('reply.4xx', '4.7.1'),
  ],
  [
    'a 5xx client-host block from a receiving server bounces the message',
    platform(
      'rcpt',
      '554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org',
    ),
    bounced('relay.client-blocked', '5.7.1', 'message'),
  ],
  [
    '553 sender address rejected bounces the message',
    platform('rcpt', '553 5.7.1 <a@sakura.com>: Sender address rejected: Domain not found'),
    bounced('relay.sender-refused', '5.7.1', 'message'),
  ],
  [
    '554 5.4.6 mail loop on RCPT bounces: no other path is left',
    platform('rcpt', '554 5.4.6 Hop count exceeded - possible mail loop'),
    bounced('rcpt.rejected', '5.4.6', 'recipient'),
  ],
  [
    '550 5.4.5 daily sending quota of the smarthost defers',
    platform('mail', '550 5.4.5 Daily sending quota exceeded'),
    deferred('relay.quota-exceeded', '4.4.5'),
  ],
  [
    '503 bad sequence defers',
    platform('rcpt', '503 5.5.1 Error: need MAIL command'),
    deferred('reply.bad-sequence', '4.5.1'),
  ],
  [
    '421 4.4.2 idle timeout from the server defers',
    platform('message', '421 4.4.2 mx.example.com Error: timeout exceeded'),
    deferred('server.closing', '4.4.2'),
  ],
  [
    'EREQUIRETLS bounces the message (RFC 8689)',
    failure('platform', 'mail', { errorKind: 'EREQUIRETLS' }),
    bounced('tls.requiretls-unsupported', '5.7.30', 'message'),
  ],
  [
    'an MX whose every address the host policy refuses bounces (5.4.4), never deferred',
    failure('platform', 'connect', {
      errorKind: 'EPOLICY',
      text: '550 5.4.4 no allowed MX address for example.net: mx.example.net 127.0.0.1 (loopback) refused by the host policy (MAILROUTE_RELAY_HOSTS=public-only)',
    }),
    bounced('mx.address-refused', '5.4.4', 'recipient'),
  ],
  [
    'an enforce MTA-STS policy that names none of the MX hosts defers (4.7.5), never sent elsewhere',
    failure('platform', 'connect', {
      errorKind: 'EMTASTS',
      text: '451 4.7.5 MTA-STS policy of example.net (enforce) names none of its MX hosts: mx.other.example',
    }),
    { ...deferred('mx.mta-sts-mismatch', '4.7.5'), scope: 'recipient' },
  ],
  [
    'an unrecognized error defers through the catch-all',
    failure('platform', 'connect', {}),
    deferred('error.unknown', '4.0.0'),
  ],
];

describe('classifyReply on the relay path (SPEC R12, R13, R9b)', () => {
  it.each(relayCases)('%s', (_name, input, expected) => {
    expect(classifyReply(input)).toMatchObject(expected);
  });
});

describe('classifyReply on the platform path (SPEC R16)', () => {
  it.each(platformCases)('%s', (_name, input, expected) => {
    expect(classifyReply(input)).toMatchObject(expected);
  });
});

describe('the rules table', () => {
  const all = [...relayCases, ...platformCases];

  it('ends with a catch-all that matches anything', () => {
    expect(smtpReplyRules.at(-1)).toMatchObject({ id: 'error.unknown', when: { path: 'platform' } });
    expect(smtpReplyRules.at(-2)).toMatchObject({ id: 'error.unknown', when: { path: 'relay' } });
    expect(Object.keys(smtpReplyRules.at(-1)!.when)).toEqual(['path']);
  });

  it('exercises every rule id in these cases', () => {
    const seen = new Set(all.map(([, input]) => classifyReply(input).ruleId));
    const ids = new Set(smtpReplyRules.map((r) => r.id));
    expect([...ids].filter((id) => !seen.has(id))).toEqual([]);
  });

  it('never falls back or counts for the breaker on the platform path', () => {
    for (const r of smtpReplyRules.filter((row) => row.when.path !== 'relay')) {
      expect(r.outcome.action, r.id).not.toBe('fallback');
      expect(r.outcome.action === 'bounce' || r.outcome.action === 'sent' || !r.outcome.breaker, r.id).toBe(
        true,
      );
    }
    for (const [, input] of all.filter(([, i]) => i.path === 'platform')) {
      expect(classifyReply(input).breaker).toBe(false);
    }
  });

  it('keeps status classes consistent with the action', () => {
    for (const [name, input] of all) {
      const c = classifyReply(input);
      if (c.action === 'sent') expect(c.status, name).toMatch(/^2\./);
      if (c.action === 'bounce') expect(c.status, name).toMatch(/^5\./);
      if (c.action === 'defer' || c.action === 'slowdown') expect(c.status, name).toMatch(/^4\./);
      expect(c.permanent, name).toBe(c.action !== 'sent' && c.status.startsWith('5'));
    }
  });

  it('counts only fallbacks for the breaker, and never a recipient or content rejection', () => {
    for (const [name, input] of all) {
      const c = classifyReply(input);
      expect(c.breaker, name).toBe(c.action === 'fallback');
    }
  });
});

describe('parseReply', () => {
  it.each([
    ['a single line', '550 5.1.1 user unknown', { code: 550, enhanced: '5.1.1', text: 'user unknown' }],
    [
      'a multi-line reply, codes stripped from every line',
      '550-5.1.1 first line\r\n550-5.1.1 second\r\n550 5.1.1 last',
      { code: 550, enhanced: '5.1.1', text: 'first line second last' },
    ],
    [
      'leading whitespace and a trailing CRLF',
      '  \r\n 421 4.7.0 busy\r\n',
      { code: 421, enhanced: '4.7.0', text: 'busy' },
    ],
    [
      'a code without an enhanced status',
      '554 Transaction failed',
      { code: 554, text: 'Transaction failed' },
    ],
    ['a bare code', '550', { code: 550, text: '' }],
    [
      'an enhanced status without a code',
      '5.1.1 no such user',
      { enhanced: '5.1.1', text: '5.1.1 no such user' },
    ],
    [
      'a reply quoted inside other words',
      'host mx.example.com said: 550 5.7.1 blocked',
      { code: 550, enhanced: '5.7.1', text: 'host mx.example.com said: 550 5.7.1 blocked' },
    ],
    [
      "smtp-server's guessed status followed by the application's own",
      '554 5.6.0 5.7.1 <x@gmail.com>: Relay access denied',
      { code: 554, enhanced: '5.7.1', text: '<x@gmail.com>: Relay access denied' },
    ],
    ['zero-padded statuses', '550 5.01.001 odd', { code: 550, enhanced: '5.1.1', text: 'odd' }],
    ['plain text', 'Relay access denied', { text: 'Relay access denied' }],
    ['a version number is not a status', 'server 5.0.12-beta ready', { text: 'server 5.0.12-beta ready' }],
  ])('reads %s', (_name, text, expected) => {
    expect(parseReply(text)).toEqual({ code: undefined, enhanced: undefined, ...expected });
  });

  it('aligns an enhanced status whose class disagrees with the reply code', () => {
    expect(classifyReply(relay('rcpt', '550 4.1.1 user unknown')).status).toBe('5.1.1');
  });

  it('prefers separately given code and status over the text', () => {
    expect(
      classifyReply({ path: 'relay', command: 'rcpt', code: 550, enhanced: '5.1.1', text: 'whatever' }),
    ).toMatchObject({ action: 'bounce', ruleId: 'rcpt.user-unknown', status: '5.1.1' });
  });
});

/** Errors shaped as nodemailer 10's SMTPConnection._formatError() builds them. */
function nodemailerError(fields: Record<string, unknown>, message = 'failed'): Error {
  return Object.assign(new Error(message), fields);
}

describe('fromNodemailerError', () => {
  it.each<[string, unknown, 'relay' | 'platform', Partial<ReplyInput>, Partial<Classification>]>([
    [
      'EAUTH 535 on AUTH PLAIN',
      nodemailerError({
        code: 'EAUTH',
        response: '535 5.7.8 Error: authentication failed',
        responseCode: 535,
        command: 'AUTH PLAIN',
      }),
      'relay',
      { command: 'auth', code: 535, enhanced: '5.7.8', errorKind: 'EAUTH' },
      { action: 'fallback', ruleId: 'auth.failed' },
    ],
    [
      'EAUTH from a failed XOAUTH2 refresh (no responseCode, originalCode EOAUTH2)',
      nodemailerError({ code: 'EAUTH', originalCode: 'EOAUTH2', command: 'AUTH XOAUTH2' }, 'invalid_grant'),
      'relay',
      { command: 'auth', errorKind: 'EAUTH', errorCause: 'EOAUTH2', text: 'invalid_grant' },
      { action: 'fallback', ruleId: 'auth.oauth2' },
    ],
    [
      'EAUTH from XOAUTH2 when the token endpoint could not be reached (originalCode EFETCH)',
      nodemailerError(
        { code: 'EAUTH', originalCode: 'EFETCH', command: 'AUTH XOAUTH2' },
        'connect ECONNREFUSED 127.0.0.1:1',
      ),
      'platform',
      { command: 'auth', errorCause: 'EFETCH' },
      { action: 'defer', ruleId: 'auth.token-unreachable', status: '4.7.0' },
    ],
    [
      'EAUTH on AUTH XOAUTH2 that lost its original code',
      nodemailerError({ code: 'EAUTH', command: 'AUTH XOAUTH2' }, 'Token request failed'),
      'relay',
      { command: 'auth', errorCause: 'EOAUTH2' },
      { ruleId: 'auth.oauth2' },
    ],
    [
      'ESOCKET with originalCode ECONNREFUSED on CONN',
      nodemailerError(
        { code: 'ESOCKET', originalCode: 'ECONNREFUSED', errno: -111, syscall: 'connect', command: 'CONN' },
        'connect ECONNREFUSED 127.0.0.1:2525',
      ),
      'relay',
      { command: 'connect', errorKind: 'ESOCKET', errorCause: 'ECONNREFUSED' },
      { ruleId: 'conn.refused', breaker: true },
    ],
    [
      'ESOCKET with originalCode CERT_HAS_EXPIRED (isTransientError would retry it forever)',
      nodemailerError(
        { code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED', command: 'CONN' },
        'certificate has expired',
      ),
      'relay',
      { errorCause: 'CERT_HAS_EXPIRED' },
      { ruleId: 'tls.cert-expired', action: 'fallback' },
    ],
    [
      'ETLS "Error initiating TLS" that kept only the words of the certificate failure',
      nodemailerError(
        { code: 'ETLS', command: 'STARTTLS' },
        'Error initiating TLS - self-signed certificate',
      ),
      'relay',
      { command: 'starttls', errorKind: 'ETLS', errorCause: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      { ruleId: 'tls.cert-self-signed' },
    ],
    [
      'ETLS after STARTTLS answered 502 (not offered)',
      nodemailerError({
        code: 'ETLS',
        response: '502 5.5.1 Error: command not implemented',
        responseCode: 502,
        command: 'STARTTLS',
      }),
      'relay',
      { command: 'starttls', code: 502, enhanced: '5.5.1' },
      { ruleId: 'starttls.failed' },
    ],
    [
      'ETIMEDOUT with timeoutType GREETING_TIMEOUT on CONN',
      nodemailerError(
        { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', command: 'CONN' },
        'Greeting never received',
      ),
      'relay',
      { command: 'connect', errorKind: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' },
      { ruleId: 'timeout.greeting' },
    ],
    [
      'EPROTOCOL for a 554 greeting',
      nodemailerError({
        code: 'EPROTOCOL',
        response: '554 5.7.1 go away',
        responseCode: 554,
        command: 'CONN',
      }),
      'platform',
      { command: 'greeting', code: 554 },
      { ruleId: 'greeting.rejected', action: 'defer' },
    ],
    [
      'ECONNECTION for 421 to EHLO',
      nodemailerError({
        code: 'ECONNECTION',
        response: '421 4.7.0 Too many connections',
        responseCode: 421,
        command: 'EHLO',
      }),
      'relay',
      { command: 'ehlo' },
      { action: 'slowdown' },
    ],
    [
      'EENVELOPE on MAIL FROM',
      nodemailerError({
        code: 'EENVELOPE',
        response: '553 5.7.1 <x@sakura.com>: Sender address rejected: not owned by user a',
        responseCode: 553,
        command: 'MAIL FROM',
      }),
      'relay',
      { command: 'mail' },
      { ruleId: 'relay.sender-refused' },
    ],
    [
      'EENVELOPE on RCPT TO',
      nodemailerError({
        code: 'EENVELOPE',
        response: '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown',
        responseCode: 550,
        command: 'RCPT TO',
      }),
      'relay',
      { command: 'rcpt', code: 550, enhanced: '5.1.1' },
      { action: 'bounce', ruleId: 'rcpt.user-unknown' },
    ],
    [
      'EENVELOPE on the DATA command',
      nodemailerError({
        code: 'EENVELOPE',
        response: '554 5.5.1 Error: no valid recipients',
        responseCode: 554,
        command: 'DATA',
      }),
      'relay',
      { command: 'data' },
      { action: 'fallback', ruleId: 'reply.system-trouble' },
    ],
    [
      'EMESSAGE after the message body',
      nodemailerError({
        code: 'EMESSAGE',
        response: '554 5.7.1 virus found',
        responseCode: 554,
        command: 'DATA',
      }),
      'relay',
      { command: 'message' },
      { ruleId: 'content.virus' },
    ],
    [
      'EDNS with originalCode ENOTFOUND',
      nodemailerError(
        { code: 'EDNS', originalCode: 'ENOTFOUND', command: 'CONN' },
        'getaddrinfo ENOTFOUND relay.invalid',
      ),
      'relay',
      { errorKind: 'EDNS', errorCause: 'ENOTFOUND' },
      { ruleId: 'dns.failed' },
    ],
    [
      'a plain Node error is read as the cause',
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      'relay',
      { command: 'connect', errorCause: 'ECONNRESET' },
      { ruleId: 'conn.lost' },
    ],
    [
      'an error whose cause carries the code',
      new Error('socket hang up', { cause: Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }) }),
      'platform',
      { errorCause: 'EHOSTUNREACH' },
      { action: 'defer', ruleId: 'conn.unreachable' },
    ],
    [
      'a string',
      'something broke',
      'relay',
      { command: 'connect', text: 'something broke' },
      { ruleId: 'error.unknown' },
    ],
    ['null', null, 'platform', { command: 'connect' }, { action: 'defer', ruleId: 'error.unknown' }],
  ])('reads %s', (_name, err, path, input, expected) => {
    const mapped = fromNodemailerError(err, path);
    expect(mapped).toMatchObject({ path, ...input });
    expect(classifyReply(mapped)).toMatchObject(expected);
  });

  it('takes the command hint when nodemailer names no step', () => {
    const err = nodemailerError({ code: 'ECONNECTION', command: 'CONN' }, 'Connection closed unexpectedly');
    expect(fromNodemailerError(err, 'relay', 'message').command).toBe('message');
    expect(classifyNodemailerError(err, 'relay', 'message')).toMatchObject({
      ruleId: 'conn.lost',
      scope: 'connection',
    });
  });

  it('lists each rejected recipient of an all-rejected envelope with its own reply', () => {
    const rejectedErrors = [
      nodemailerError({
        code: 'EENVELOPE',
        response: '550 5.1.1 unknown',
        responseCode: 550,
        command: 'RCPT TO',
        recipient: 'a@example.com',
      }),
      nodemailerError({
        code: 'EENVELOPE',
        response: '452 4.2.2 full',
        responseCode: 452,
        command: 'RCPT TO',
        recipient: 'b@example.com',
      }),
    ];
    const err = nodemailerError({ code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO', rejectedErrors });
    const each = rejectedRecipientInputs(err, 'platform').map(({ recipient, input }) => [
      recipient,
      classifyReply(input).action,
    ]);
    expect(each).toEqual([
      ['a@example.com', 'bounce'],
      ['b@example.com', 'defer'],
    ]);
    expect(rejectedRecipientInputs({ accepted: ['c@example.com'] }, 'relay')).toEqual([]);
  });
});

async function cli(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
  try {
    const program = new Command().exitOverride();
    registerSmtpCommand(program);
    await program.parseAsync(['node', 'mailroute', ...args]);
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('mailroute smtp', () => {
  it('classify --json prints the classification', async () => {
    const [line] = await cli(['smtp', 'classify', '554 5.7.1 <x@y.com>: Relay access denied', '--json']);
    expect(JSON.parse(line!)).toEqual(
      classifyReply(relay('rcpt', '554 5.7.1 <x@y.com>: Relay access denied')),
    );
  });

  it('classify takes the step, the path and written-out line breaks', async () => {
    const [out] = await cli([
      'smtp',
      'classify',
      '535-5.7.8 Username and Password not accepted.\\r\\n535 5.7.8 Learn more',
      '--command',
      'auth',
      '--path',
      'platform',
    ]);
    expect(out).toMatch(/^action +defer$/m);
    expect(out).toMatch(/^status +4\.7\.8$/m);
    expect(out).toMatch(/^rule +auth\.failed$/m);
  });

  it('classify takes an error kind and cause instead of a reply', async () => {
    const [line] = await cli([
      'smtp',
      'classify',
      '--kind',
      'esocket',
      '--cause',
      'cert_has_expired',
      '--json',
    ]);
    expect(JSON.parse(line!)).toMatchObject({
      action: 'fallback',
      ruleId: 'tls.cert-expired',
      breaker: true,
    });
  });

  it('classify refuses an unknown step', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(cli(['smtp', 'classify', '550', '--command', 'helo'])).rejects.toThrow(/helo/);
    } finally {
      err.mockRestore();
    }
  });

  it('rules lists every row in order', async () => {
    const lines = await cli(['smtp', 'rules', '--json']);
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(smtpReplyRules.map((r) => r.id));
  });
});
