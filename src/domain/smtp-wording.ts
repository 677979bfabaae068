/**
 * The wording of SMTP replies and bounce diagnostics, as data: named groups of phrases, each defined
 * once. Both classifiers read them: `smtp-reply-rules.ts` (a reply to our own delivery) and
 * `bounces/rules.ts` (the diagnostic of a bounce), so a phrase means the same in both.
 *
 * A group says what the words are about, never what to do: the rule tables decide the outcome, and
 * a status code, when the server gave a specific one, outranks any wording. `wordingOf()` names the
 * first group a text uses, in the order listed in `smtpWording`; each rule table tries the groups in
 * its own order, as it also weighs the reply code, the SMTP step or the status.
 * `test/unit/smtp-wording.test.ts` holds both tables to the same answer for sample phrases of every
 * group they share.
 *
 * Policy for a phrase: it names one cause in words MTAs and providers use for that cause, and not
 * words one vendor uses once. Phrases that only a bounce report uses (a transcript, a relaying MTA's
 * own summary) live in groups that only the bounce rules read.
 */

export interface Wording {
  id: string;
  /** What a text matching the group says, in one line. */
  meaning: string;
  pattern: RegExp;
}

/** One pattern matching any of the given ones (case-insensitive). */
export function anyOf(...patterns: readonly RegExp[]): RegExp {
  return new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), 'i');
}

const group = (id: string, meaning: string, pattern: RegExp): Wording =>
  Object.freeze({ id, meaning, pattern });

// The sender or its host, not the recipient.
export const relayDenied = group(
  'relay-denied',
  'the server does not relay for us',
  /relay(ing)? (access )?(is )?(denied|refused|rejected|prohibited|forbidden|not (permitted|allowed|authori[sz]ed))|not (permitted|allowed|authori[sz]ed) to relay|(isn'?t|is not|not) in my list of allowed rcpthosts|(unable|cannot|can't|not able) to relay|we do not relay|no relaying/i,
);
export const senderRefused = group(
  'sender-refused',
  'the server refuses the sender address for this account',
  /sender address rejected|not owned by (the )?(auth(enticated)? )?user|sender (address )?(is )?not (allowed|permitted|authori[sz]ed)|(not|isn't) (allowed|permitted|authori[sz]ed) to send (as|from|on behalf)|permissions? to send as|send ?as (is )?(denied|not allowed)|sender (verify|verification) failed/i,
);
export const senderNamed = group(
  'sender-named',
  'the refusal names the sender or the envelope, not the recipient',
  /sender (address|domain|verify|verification)|\bsender (was |is )?(rejected|refused|denied|blocked)|(?:after|at|to) MAIL FROM|MAIL FROM[^\n]*(?:rejected|refused|denied)|from address|envelope[- ]from|return[- ]path/i,
);
export const clientBlocked = group(
  'client-blocked',
  "the server refuses the sending host's address",
  /client host (\[[^\]]*\] )?(rejected|blocked)|blocked using|\b(your|sending|client|connecting) (ip|ip address|host|server)\b.{0,60}\b(listed|blocked|blacklisted|blocklisted|not allowed)|traffic not accepted from this ip|(banned|blocked|blacklisted|blocklisted) (sending |client |connecting )?ip\b|\bip (address )?(is )?(banned|blacklisted|blocklisted)|dynamic(ally assigned)? ip|dial-?up|smtp server of your isp|your (isp|provider)'?s? (smtp|mail|outgoing) (server|relay)/i,
);
export const sendingQuota = group(
  'sending-quota',
  'the sending account reached its quota',
  /sending (limit|quota)|submission ?quota|daily (user )?(sending |message |mail )?(limit|quota) (exceeded|reached)|(message|recipient|sending) limit (exceeded|reached)|exceeded (the |your )?(daily|hourly) (sending |message )?(limit|quota)/i,
);
export const tooManyRecipients = group(
  'too-many-recipients',
  'too many recipients in one transaction',
  /too many (recipients|rcpt)/i,
);
export const rateLimited = group(
  'rate-limited',
  'the server asks the sender to slow down',
  /rate.?limit|throttl|slow(ing)? down|too (fast|frequent)|server (is )?busy|too much (mail|traffic)|too many (?!hops|errors|invalid|bad|unknown|recipients)|(connection|concurrency|session|thread|message|sending) rate|(connection|concurrency|session|thread) limit/i,
);
/** Read by the bounce rules only, to name the reason more precisely than "slow down". */
export const tooManyConnections = group(
  'too-many-connections',
  'the sending host has too many connections open, or opens them too fast',
  /too many ((concurrent|simultaneous|parallel|open|smtp) ){0,2}(connections|sessions)|(connection|concurrency|session) (rate )?limit|(connection|session) rate|max(imum)? (number of )?connections/i,
);
export const sentTooMuch = group(
  'sent-too-much',
  'the sender sent too much, in the words of a bounce report',
  /rate[- ]limited|too many (?!hops)|sent (to )?too many|(sending|hourly|daily) (rate|limit)|(limit|number) of (recipients|messages|connections) (exceeded|reached)/i,
);

// The recipient address itself is bad.
export const badDomain = group(
  'bad-domain',
  'the recipient domain does not exist or cannot be routed',
  /(host|domain)( name)? (is )?(not found|unknown|does not exist|doesn'?t exist)|unknown (host|domain)|no such (host|domain)|(couldn'?t|could not|can'?t|cannot) find (any )?host|illegal (host|domain)|domain (is )?not reachable|unrout(e)?able|name or service not known|host or domain name not found|nxdomain|no (mx|dns)( records?)? (found )?for|domain (has no|without) (mx|mail)|mx records point to non-?existent/i,
);
export const noMailAccepted = group(
  'no-mail-accepted',
  'the recipient domain accepts no mail (null MX)',
  /does not accept (any )?mail|null MX|accepts no mail|(no|couldn'?t find a) mail exchanger|indicated no SMTP service/i,
);
export const noSuchAccount = group(
  'no-such-account',
  'a provider says it has no such account, in words content filters do not reuse',
  /(doesn'?t|does not) have an? [\w.-]+ account|no (such )?account (exists )?(with|for|by) (that|this) (name|address)/i,
);
export const userUnknown = group(
  'user-unknown',
  'the recipient mailbox does not exist',
  /(user|recipient|addressee|mailbox|account|address|local ?part|alias)( name)? (is )?(unknown|not found|not known|not recogni[sz]ed|not listed|nonexistent|non-existent|does not exist|doesn'?t exist|not exist)|unknown (local[- ]?part|user|recipient|mailbox|address(?! error)|alias)|unknown or illegal (user|alias|local[- ]?part)|no such (local )?(user|recipient|mailbox|account|address|person)|no (mailbox|account) (here )?(by that name|for)|(is not|isn't) a known (user|recipient|mailbox)|(mailbox|user|recipient) not here|recip(ient)?notfound|in (the )?(local recipient|virtual mailbox|virtual alias|relay recipient) table/i,
);
/** Office 365's directory-based edge blocking; read by the bounce rules only. */
export const notInDirectory = group(
  'not-in-directory',
  "the recipient is not in the receiving tenant's directory (Office 365)",
  /\b5\.4\.1 recipient address rejected: access denied|\bAS\(201806281\)/i,
);
/**
 * Looser words for a bad mailbox: RFC 5321's text for 550 is "mailbox unavailable", which servers
 * also send for refusals of other kinds, and "invalid address" may be about its syntax. Believed
 * only when the status code says nothing more specific.
 */
export const mailboxUnavailable = group(
  'mailbox-unavailable',
  'the recipient mailbox is unavailable or not valid, in words servers also use for other refusals',
  /(user|recipient|addressee|mailbox|account|address|local ?part|alias)( name)? (is )?(invalid|unavailable|not available|not valid)|(invalid|bad)(?! sender)( [\w-]+){0,2} (recipient|mailbox|user ?(id)?|address|destination)|not a valid (recipient|mailbox|user|address)|(is not|isn't) a valid (user|recipient|mailbox)/i,
);
/**
 * The recipient, or a filter acting for the recipient, refuses mail from this sender: the
 * recipient's own block or allow lists and settings, Exchange's delivery restrictions
 * (`RESOLVER.RST.*`: the recipient takes mail only from authorized or authenticated senders), groups
 * and lists that accept posts only from their members, and mail filters that say they filtered it.
 * The address exists; read by the bounce rules only.
 */
export const recipientFilter = group(
  'recipient-filter',
  "the recipient's filter or settings refuse mail from this sender",
  /resolver\.rst\.|refuses? to (receive|accept) (this |your |the |any )?(mail|message|e-?mail)|(user|recipient) (has )?(rejected|refused|blocked) (your|this|the) (mail|message|e-?mail|sender|address)|\buser reject|blocked by (the )?(recipient|user|addressee)|(recipient|user|addressee)'?s? (preferences|settings|(mail |message )?filters?|rules|block ?list)\b|(due to|by) (the )?(user|recipient|mailbox) rules|only (accepts?|accepting|receives?|receiving) (mail|messages|e-?mail|posts?) from|not (authori[sz]ed|allowed|permitted) to (send|post) to|(is not|isn't|not) (on|in) (the |his |her |their )?(recipient'?s? |user'?s? )?(allow|white|safe|accept)[ -]?(list|senders)|(message|mail) (has been |was )?filtered|filtered by|(rejected|blocked|refused|stopped|quarantined) by (the |a |our )?(content|mail|message|e-?mail) ?filter|content filter(ing)? (rejected|refused|blocked)/i,
);
export const addressGone = group(
  'address-gone',
  'looser words that the address is gone, as bounce reports summarise it',
  /(does not|doesn'?t|not) exist|no longer (valid|available|in use|exists?)|recip(ient)?notfound|not listed in|no valid recipients?\b/i,
);
export const moved = group(
  'moved',
  'the recipient moved to another address',
  /has moved|moved (permanently|to)|changed (his|her|their) address/i,
);

// The recipient's mailbox, not the address.
export const mailboxFull = group(
  'mailbox-full',
  'the recipient mailbox is full',
  /mail ?(box|folder) (is )?full|(over|exceeded?( the)?( storage| mailbox| disk)?) quota|quota (exceeded|full)|exceeded (storage|mailbox)|insufficient (disk |system )?(space|storage)|mailbox size limit|exceeded the local limit|full mailbox|storage (space )?(is )?full/i,
);
export const mailboxDisabled = group(
  'mailbox-disabled',
  'the recipient mailbox is disabled',
  /(account|mail ?box|user|address|recipient)( account)? (is |has been )?(disabled|suspended|inactive|deactivated|locked|blocked|frozen|expired|temporarily unavailable)|disabled (account|mailbox|user)/i,
);
export const recipientRefused = group(
  'recipient-refused',
  'the server refuses the recipient without saying why',
  /recipient (address )?(rejected|refused|not (found|accepted))/i,
);

// The message.
export const messageTooBig = group(
  'message-too-big',
  'the message is larger than the server accepts',
  /(message|mail)( size)? (is )?too (big|large)|exceeds?( [\w-]+){0,4} (message )?size|message size limit/i,
);
export const sizeLimit = group(
  'size-limit',
  'a size limit was hit, of the message or the mailbox',
  /size limit/i,
);
export const virus = group(
  'virus',
  'the message carries a virus or malware',
  /virus|malware|infected|malicious/i,
);
export const unauthenticated = group(
  'unauthenticated',
  'the message failed SPF, DKIM or DMARC',
  /\bdmarc\b|\bspf\b|\bdkim\b|unauthenticated/i,
);
export const spam = group(
  'spam',
  'the message was refused as spam or by a content filter',
  /spam|junk|unsolicited|phish|suspicious|bulk mail|\bU[BC]E\b|content (rejected|filter)|message (content )?(rejected|refused|blocked)/i,
);
export const listed = group(
  'listed',
  'the sender is on a block list or has a poor reputation',
  /black ?list|block ?list|\brbl\b|dnsbl|reputation|(user|spam) complaints|\bptr\b|reverse (dns|lookup)/i,
);
/** A refusal that names a policy, read by the bounce rules under any status. */
export const namedPolicy = group(
  'named-policy',
  'the refusal names a policy of the receiving side',
  /\bpolic(y|ies)\b/i,
);
export const policy = group(
  'policy',
  'refused by policy, without naming the cause',
  /blocked|policy|rejected (by|due to|because)|not (allowed|authori[sz]ed|permitted)|denied|prohibited/i,
);

// Trouble on the way, as bounce reports describe it.
export const dnsTemporary = group(
  'dns-temporary',
  'a DNS lookup failed for now: the domain may well exist (Postfix, Sendmail, Exim wordings)',
  /host not found, try again|malformed or unexpected name server reply|name ?server (failure|error|timeout|timed out)|(temporary|temporarily|transient) (dns|name ?server|lookup|resolver|resolution)( \w+)? (failure|error|problem)|dns (lookup|resolution|query) (failed temporarily|timed out|timeout)|\bservfail\b|dns temporary|temporary failure in name resolution/i,
);
export const protocolError = group(
  'protocol-error',
  'the SMTP dialogue failed on a command or its syntax',
  /syntax error|(improper|bad|wrong) sequence of commands|command (parameter )?not (implemented|recogni[sz]ed)|(unrecognized|unknown|invalid) command|command unrecognized|line too long|protocol error/i,
);
export const localProgram = group(
  'local-program',
  'a local delivery program (procmail, a pipe) failed',
  /\b(procmail|maildrop|mail\.local|dovecot-lda):\s|command (output|failed|died)|pipe to \||\|\| exit /i,
);
export const accountOrDomainMayNotExist = group(
  'account-or-domain-may-not-exist',
  'the account or the domain may not exist (cPanel Exim)',
  /(account|address|user) or (the )?domain (name )?may not exist/i,
);
export const expired = group(
  'expired',
  'delivery was given up after retrying',
  /retry (timeout|time|period) exceeded|retry time not reached for any host after a long failure period|(envelope|message|delivery|mail) (has )?expired|(still )?undelivered after \d+ (hours?|days?)|not (been )?delivered (with)?in \d+ (hours?|days?)|(could not|couldn't|unable to) (be )?deliver(ed)? (it )?(for|in|within) |(delivery|message) (time )?expired|expired after|too long in (the )?queue|has been delayed|deferred|giving up|gave up|timed out|timeout/i,
);
export const network = group(
  'network',
  'the connection failed or the failure is temporary',
  /connection (refused|reset|closed|lost)|network (is )?unreachable|no route to host|(wasn'?t|was not|not) able to establish an? (smtp )?connection|(host|server) (is )?(not reachable|unreachable)|lost connection|could not connect|unable to connect|temporar(il)?y/i,
);
export const systemError = group(
  'system-error',
  'the receiving system failed',
  /system (error|failure)|internal (server )?error|local (configuration|delivery) error|mail loop|loop(s)? (back|detected)|too many hops|mailer error|server (is )?(busy|unavailable)/i,
);

/** Every group, in the order `wordingOf()` tries them. */
export const smtpWording: readonly Wording[] = Object.freeze([
  relayDenied,
  senderRefused,
  clientBlocked,
  sendingQuota,
  tooManyRecipients,
  rateLimited,
  tooManyConnections,
  localProgram,
  accountOrDomainMayNotExist,
  noMailAccepted,
  badDomain,
  noSuchAccount,
  notInDirectory,
  userUnknown,
  mailboxUnavailable,
  mailboxFull,
  mailboxDisabled,
  messageTooBig,
  recipientFilter,
  virus,
  unauthenticated,
  spam,
  listed,
  recipientRefused,
  moved,
  senderNamed,
  sentTooMuch,
  addressGone,
  sizeLimit,
  namedPolicy,
  policy,
  expired,
  dnsTemporary,
  network,
  systemError,
  protocolError,
]);

/** The first group whose wording the text uses, if any. */
export function wordingOf(text: string): Wording | undefined {
  return smtpWording.find((w) => w.pattern.test(text));
}
