/**
 * Bounce classification rules as data (SPEC R18), checked by `classify()`:
 * - `statusRules`: delivery status codes decisive on their own (the address is bad, or it is not);
 *   a decisive status wins over any wording.
 * - `textRules`: wording of the diagnostic, first match wins; used when the status is absent or not
 *   decisive (5.0.0, 5.5.0, 5.7.1 …). `status` is what the wording implies when the bounce gave none.
 *
 * `hard` means the address itself is bad (unknown user or domain, a domain that accepts no mail, an
 * address that moved): suppress it. Everything else that failed is `soft`: full or disabled
 * mailboxes, spam and policy blocks, sender-side problems, size, rate and network trouble.
 */
import type { BounceClass } from '../domain/bounce-report.js';

export interface StatusRule {
  id: string;
  /** Matched against the normalised status, e.g. `5.1.1`. */
  pattern: RegExp;
  class: BounceClass;
}

export interface TextRule {
  id: string;
  pattern: RegExp;
  class: BounceClass;
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
  { id: 'status-bad-mailbox', pattern: /^[45]\.1\.1$/, class: 'hard' },
  { id: 'status-bad-domain', pattern: /^[45]\.1\.2$/, class: 'hard' },
  { id: 'status-bad-address-syntax', pattern: /^5\.1\.3$/, class: 'hard' },
  { id: 'status-moved', pattern: /^5\.1\.6$/, class: 'hard' },
  { id: 'status-null-mx', pattern: /^5\.1\.10$/, class: 'hard' },
  { id: 'status-bad-sender', pattern: /^[45]\.1\.[78]$/, class: 'soft' },
  { id: 'status-mailbox-full', pattern: /^[45]\.2\.2$/, class: 'soft' },
  { id: 'status-too-big', pattern: /^[45]\.(2\.3|3\.4)$/, class: 'soft' },
  { id: 'status-expired', pattern: /^[45]\.4\.7$/, class: 'soft' },
  // In a bounce, 5.7.27 reports a recipient domain publishing a null MX (RFC 7505): no mail, ever.
  { id: 'status-null-mx-host', pattern: /^5\.7\.27$/, class: 'hard' },
  { id: 'status-policy', pattern: /^[45]\.7\.\d+$/, class: 'soft' },
];

const soft = 'soft' as const;
const hard = 'hard' as const;

export const textRules: readonly TextRule[] = [
  // Rejections of the sender or of the relaying host: never the recipient address's fault.
  {
    id: 'text-sender-rejected',
    pattern:
      /sender (address|domain|verify|verification)|(?:after|at|to) MAIL FROM|MAIL FROM[^\n]*(?:rejected|refused|denied)|from address|envelope[- ]from|return[- ]path/i,
    class: soft,
    status: '5.1.8',
  },
  {
    id: 'text-relay-denied',
    pattern:
      /relay(ing)? (access )?(denied|not permitted|prohibited)|not permitted to relay|unable to relay/i,
    class: soft,
    status: '5.7.1',
  },
  {
    id: 'text-mailbox-full',
    pattern:
      /mail ?box (is )?full|(over|exceeded?( the)?( storage| mailbox| disk)?) quota|quota (exceeded|full)|insufficient (disk |system )?(space|storage)|mailbox size limit|exceeded the local limit|full mailbox|storage (space )?(is )?full/i,
    class: soft,
    status: '5.2.2',
    beatsBadMailboxStatus: true,
  },
  {
    id: 'text-disabled',
    pattern:
      /(account|mail ?box|user|address|recipient)( account)? (is |has been )?(disabled|suspended|inactive|deactivated|locked|blocked|frozen|expired|temporarily unavailable)|disabled (account|mailbox|user)/i,
    class: soft,
    status: '5.2.1',
  },
  {
    id: 'text-too-big',
    pattern:
      /(message|mail)( size)? (is )?too (big|large)|exceeds?( [\w-]+){0,4} (message )?size|size limit/i,
    class: soft,
    status: '5.3.4',
  },
  // A local delivery program (procmail, maildrop, a pipe) that failed: its output is not about the
  // address, whatever the exit code was mapped to.
  {
    id: 'text-local-program-error',
    pattern:
      /\b(procmail|maildrop|mail\.local|dovecot-lda):\s|command (output|failed|died)|pipe to \||\|\| exit /i,
    class: soft,
    status: '5.3.0',
    beatsBadMailboxStatus: true,
  },
  // The sending host or sender is sending too fast: the address may well be good.
  {
    id: 'text-rate-limited',
    pattern:
      /rate limit|rate[- ]limited|too many (?!hops)|sent (to )?too many|throttl|(sending|hourly|daily) (rate|limit)|(limit|number) of (recipients|messages|connections) (exceeded|reached)/i,
    class: soft,
    status: '4.7.0',
    beatsBadMailboxStatus: true,
  },
  // An MTA saying the account or the domain may not exist (cPanel's Exim, when the domain cannot be
  // routed) speaks of the address first, whatever else it lists as possible.
  {
    id: 'text-account-or-domain-may-not-exist',
    pattern: /(account|address|user) or (the )?domain (name )?may not exist/i,
    class: hard,
    status: '5.1.2',
  },
  {
    id: 'text-spam-or-policy',
    pattern:
      /spam|junk|black ?list|block ?list|blocked|\brbl\b|dnsbl|reputation|\bdmarc\b|\bspf\b|\bdkim\b|policy|virus|malware|content (filter|rejected)|rejected (by|due to|because)|not (allowed|authori[sz]ed|permitted)|denied|prohibited|unauthenticated|\bptr\b|reverse (dns|lookup)/i,
    class: soft,
    status: '5.7.1',
  },
  // The address itself is bad.
  {
    id: 'text-domain-accepts-no-mail',
    pattern:
      /does not accept (any )?mail|null MX|accepts no mail|(no|couldn'?t find a) mail exchanger|indicated no SMTP service/i,
    class: hard,
    status: '5.1.10',
  },
  {
    id: 'text-unknown-domain',
    pattern:
      /(host|domain)( name)? (is )?(not found|unknown|does not exist|doesn'?t exist)|unknown (host|domain)|no such (host|domain)|(couldn'?t|could not|can'?t|cannot) find (any )?host|illegal (host|domain)|domain (is )?not reachable|unrout(e)?able (mail )?domain|name or service not known|host or domain name not found|nxdomain|no (mx|dns)( records?)? (found )?for|domain (has no|without) (mx|mail)|mx records point to non-?existent/i,
    class: hard,
    status: '5.1.2',
  },
  // A provider saying it has no such account, in its own words.
  {
    id: 'text-no-such-account',
    pattern:
      /(doesn'?t|does not) have an? [\w.-]+ account|no (such )?account (exists )?(with|for|by) (that|this) (name|address)/i,
    class: hard,
    status: '5.1.1',
    holdsAfterData: true,
  },
  {
    id: 'text-unknown-user',
    pattern:
      /(user|recipient|addressee|mailbox|account|address|local ?part|alias)( name)? (is )?(unknown|not found|not known|not recogni[sz]ed|not listed|invalid|nonexistent|non-existent|does not exist|doesn'?t exist|unavailable|not exist|not available|not valid)|unknown (local[- ]?part|user|recipient|mailbox|address|alias)|no such (user|recipient|mailbox|account|address|person)|(invalid|bad)( [\w-]+){0,2} (recipient|mailbox|user ?(id)?|address|destination)|not a valid (recipient|mailbox|user|address)|no (mailbox|account) (here )?(by that name|for)|(is not|isn't) a (known|valid) (user|recipient|mailbox)|(does not|doesn'?t|not) exist|unrout(e)?able address|no longer (valid|available|in use|exists?)|recip(ient)?notfound|not listed in|no valid recipients?\b|(mailbox|user|recipient) not here|no such (local )?user/i,
    class: hard,
    status: '5.1.1',
  },
  {
    id: 'text-moved',
    pattern: /has moved|moved (permanently|to)|changed (his|her|their) address/i,
    class: hard,
    status: '5.1.6',
    holdsAfterData: true,
  },
  // Transient trouble on the way.
  {
    id: 'text-expired',
    pattern:
      /retry (timeout|time|period) exceeded|(could not|couldn't|unable to) (be )?deliver(ed)? (it )?(for|in|within) |(delivery|message) (time )?expired|expired after|too long in (the )?queue|has been delayed|deferred|giving up|gave up|timed out|timeout/i,
    class: soft,
    status: '4.4.7',
  },
  {
    id: 'text-network',
    pattern:
      /connection (refused|reset|closed|lost)|network (is )?unreachable|no route to host|lost connection|could not connect|unable to connect|temporar(il)?y/i,
    class: soft,
    status: '4.4.1',
  },
  {
    id: 'text-system',
    pattern:
      /system (error|failure)|internal (server )?error|local (configuration|delivery) error|mail loop|loop(s)? (back|detected)|too many hops|mailer error|server (is )?(busy|unavailable)/i,
    class: soft,
    status: '4.3.0',
  },
];
