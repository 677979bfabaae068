/**
 * One IMAP session with a bounce mailbox (SPEC R19), the edge to imapflow: sign in, open the mailbox,
 * find the messages not yet processed (without mailroute's keyword; on a server that allows no
 * keywords, the unseen ones), hand each one's source to `handle`, then mark it `\Seen` + keyword and,
 * when it was a recorded bounce and the mailbox says so, move it to a folder (created when missing).
 * A message is marked only after `handle` resolved: if recording fails, it is tried again next poll.
 * The session connects to the address it is given, never resolving the host name itself.
 */
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import { isIpLiteral } from '../domain/hosts.js';

export type Verdict = 'recorded' | 'unmatched' | 'not-bounce';

export interface MailboxConnection {
  /** The host as configured: the name TLS verifies and sends (SNI). */
  host: string;
  /** The address to connect to, already resolved and allowed (`mailbox-address.ts`). */
  address: string;
  port: number;
  security: 'ssl' | 'tls' | 'none';
  verifyCertificate: boolean;
  auth: { user: string; pass: string } | { user: string; accessToken: string };
  mailbox: string;
  afterProcessing: { action: 'flag'; keyword: string } | { action: 'move'; folder: string; keyword: string };
  timeoutMs: number;
  /** At most this many messages per session; the rest wait for the next poll. */
  limit: number;
  /** Longest source read; a longer message is read truncated (the returned headers come first). */
  maxBytes: number;
}

export interface SessionCounts {
  processed: number;
  recorded: number;
  unmatched: number;
  notBounces: number;
}

async function clientFor(c: MailboxConnection): Promise<ImapFlow> {
  // Loaded at the first session, not by every process that imports the app (most poll no mailbox).
  const { ImapFlow } = await import('imapflow');
  const options: ImapFlowOptions = {
    host: c.address,
    servername: isIpLiteral(c.host) ? undefined : c.host,
    port: c.port,
    secure: c.security === 'ssl',
    doSTARTTLS: c.security === 'tls' ? true : c.security === 'none' ? false : undefined,
    tls: { rejectUnauthorized: c.verifyCertificate },
    auth: c.auth,
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: c.timeoutMs,
    greetingTimeout: c.timeoutMs,
    socketTimeout: c.timeoutMs * 4,
    clientInfo: { name: 'mailroute' },
  };
  return new ImapFlow(options);
}

/** Runs one session; `counts` (updated as messages are done) tells what was done if it fails midway. */
export async function runSession(
  c: MailboxConnection,
  handle: (raw: Buffer) => Promise<Verdict>,
  counts: SessionCounts = { processed: 0, recorded: 0, unmatched: 0, notBounces: 0 },
): Promise<SessionCounts> {
  const client = await clientFor(c);
  client.on('error', () => {}); // failures reach us through the pending command
  await client.connect();
  try {
    const lock = await client.getMailboxLock(pathOf(c.mailbox));
    try {
      const flags = client.mailbox ? client.mailbox.permanentFlags : undefined;
      const keywords = !flags || flags.has('\\*') || flags.has(c.afterProcessing.keyword);
      const query = keywords ? { unKeyword: c.afterProcessing.keyword } : { seen: false };
      const uids = ((await client.search(query, { uid: true })) || []).slice(0, c.limit);
      const marks = keywords ? ['\\Seen', c.afterProcessing.keyword] : ['\\Seen'];
      const folder = { ready: false };
      for (const uid of uids) {
        const verdict = await processOne(client, c, String(uid), marks, handle, folder);
        if (verdict === undefined) continue; // expunged meanwhile
        counts.processed++;
        if (verdict === 'recorded') counts.recorded++;
        else if (verdict === 'unmatched') counts.unmatched++;
        else counts.notBounces++;
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } finally {
    client.close();
  }
  return counts;
}

/** Reads one message, hands it over, then marks it and moves a recorded bounce if so set. */
async function processOne(
  client: ImapFlow,
  c: MailboxConnection,
  uid: string,
  marks: string[],
  handle: (raw: Buffer) => Promise<Verdict>,
  folder: { ready: boolean },
): Promise<Verdict | undefined> {
  const msg = await client.fetchOne(uid, { uid: true, source: { maxLength: c.maxBytes } }, { uid: true });
  if (msg === false || !msg.source) return undefined;
  const verdict = await handle(msg.source);
  await client.messageFlagsAdd(uid, marks, { uid: true });
  if (verdict === 'recorded' && c.afterProcessing.action === 'move') {
    const path = pathOf(c.afterProcessing.folder);
    if (!folder.ready) folder.ready = Boolean(await client.mailboxCreate(path)); // ALREADYEXISTS is fine
    await client.messageMove(uid, path, { uid: true });
  }
  return verdict;
}

/** `a/b` names folder b inside a, whatever the server's hierarchy delimiter. */
const pathOf = (folder: string): string | string[] => (folder.includes('/') ? folder.split('/') : folder);

/** A short, secret-free description of an IMAP failure for the mailbox status. */
export function describeImapError(err: unknown): string {
  const e = err as {
    message?: string;
    code?: string;
    authenticationFailed?: boolean;
    responseText?: string;
    mailboxMissing?: boolean;
    tlsFailed?: boolean;
  };
  const said = e.responseText ? `: ${e.responseText}` : '';
  if (e.authenticationFailed) return `authentication failed${said}`;
  if (e.mailboxMissing) return `mailbox not found${said}`;
  if (e.tlsFailed) return `TLS failed${e.message ? `: ${e.message}` : ''}`;
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND') return 'host not found';
  if (e.code && /TIMEOUT/i.test(e.code)) return `timed out (${e.code})`;
  const text = e.message ?? String(err);
  return `${e.code ? `${e.code}: ` : ''}${text}${said && !text.includes(said.slice(2)) ? said : ''}`.slice(
    0,
    500,
  );
}
