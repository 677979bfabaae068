/**
 * Polling one bounce mailbox (SPEC R19): take the mailbox's lease (one conditional UPDATE, so that of
 * several processes on one database only one polls it at a time), open the sealed credentials, run an
 * IMAP session in which each message is parsed by `parseBounce`, matched by its returned
 * `X-Mailroute-Delivery`/`Message-ID` headers (VERP does not apply to a fixed address) to a delivery
 * of the mailbox's org, and recorded with source `imap`; then write the outcome (time, error, counts)
 * on the mailbox and give the lease back. The session connects only to an address the host policy
 * allows (`mailbox-address.ts`); a refused one is the poll's error, and no connection is made.
 * Anyone may send mail to a bounce address quoting those headers, so a match holds only for a
 * delivery sent through the mailbox's relay with a fixed return path (never one sent with VERP or
 * the From address, whose bounces go elsewhere), and only for a report naming the delivery's
 * recipient (`match.ts`); anything else counts as unmatched.
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { accessTokenFor } from '../credentials/oauth-tokens.js';
import { AppError } from '../domain/errors.js';
import type { BounceMailboxesTable, RelaysTable } from '../store/schema.js';
import { mailboxAddress } from './mailbox-address.js';
import {
  describeImapError,
  type MailboxConnection,
  runSession,
  type SessionCounts,
  type Verdict,
} from './mailbox-session.js';
import { deliveryInHeaders } from './match.js';
import { parseBounce } from './parse.js';
import { recordReport } from './record.js';

const LEASE_MS = 10 * 60_000;
const IMAP_TIMEOUT_MS = 30_000;
const MESSAGES_PER_POLL = 500;
const MAX_SOURCE_BYTES = 10 * 1024 * 1024;

export interface PollOutcome extends SessionCounts {
  ok: boolean;
  error: string | null;
}

/** Whether bounces of a relay go to one fixed address, the only case a mailbox is for. */
export function fixedBounceAddress(
  r: Pick<RelaysTable, 'bounce_mode' | 'bounce_fixed_return_path'>,
): boolean {
  return r.bounce_mode === 'address' || (r.bounce_mode === 'platform' && r.bounce_fixed_return_path === 1);
}

/** The return paths whose bounces a mailbox receives: the fixed ones. */
const MAILBOX_RETURN_PATHS = ['address', 'catchall'] as const;

/**
 * What one message in the mailbox of `relayId` (of `orgId`) is: a bounce recorded against a
 * delivery, one naming none it may speak for, or no bounce.
 */
export async function handleMessage(
  ctx: AppContext,
  mailbox: { orgId: string; relayId: string },
  raw: Buffer,
): Promise<Verdict> {
  const orgId = mailbox.orgId;
  const report = await parseBounce(raw).catch((err: unknown) => {
    ctx.log.warn(
      { err, event: 'bounce_mailbox.unparseable' },
      'could not read a message in a bounce mailbox',
    );
    return undefined;
  });
  if (!report || report.kind === 'not-bounce' || report.kind === 'auto-reply') return 'not-bounce';
  const deliveryId = deliveryInHeaders(report.originalHeaders);
  const d =
    deliveryId &&
    (await ctx.store.db
      .selectFrom('deliveries')
      .select('id')
      .where('id', '=', deliveryId)
      .where('org_id', '=', orgId)
      .executeTakeFirst());
  if (!d) {
    ctx.log.warn(
      { event: 'bounce_mailbox.unmatched', org: orgId, named: deliveryId ?? null },
      'a report in a bounce mailbox names no delivery of its org',
    );
    return 'unmatched';
  }
  const r = await recordReport(ctx, d.id, report, 'imap', {
    kinds: MAILBOX_RETURN_PATHS,
    relayId: mailbox.relayId,
  });
  if (r.outcome === 'wrong-return-path' || r.outcome === 'recipient-mismatch')
    ctx.log.warn(
      {
        event: `bounce_mailbox.${r.outcome.replace(/-/g, '_')}`,
        org: orgId,
        relay: mailbox.relayId,
        named: d.id,
      },
      r.outcome === 'wrong-return-path'
        ? 'a report in a bounce mailbox names a delivery not sent with its return path'
        : "a report in a bounce mailbox does not name the delivery's recipient",
    );
  return r.outcome === 'recorded' ? 'recorded' : r.outcome === 'not-a-bounce' ? 'not-bounce' : 'unmatched';
}

async function takeLease(ctx: AppContext, relayId: string, owner: string): Promise<boolean> {
  const now = ctx.clock.now();
  const res = await ctx.store.db
    .updateTable('bounce_mailboxes')
    .set({ lease_owner: owner, lease_until: now + LEASE_MS })
    .where('relay_id', '=', relayId)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** A long poll keeps its lease (it is never taken from a live poll); returns when it was renewed. */
async function renewLease(ctx: AppContext, relayId: string, owner: string): Promise<number> {
  const now = ctx.clock.now();
  await ctx.store.db
    .updateTable('bounce_mailboxes')
    .set({ lease_until: now + LEASE_MS })
    .where('relay_id', '=', relayId)
    .where('lease_owner', '=', owner)
    .execute();
  return now;
}

async function connectionOf(ctx: AppContext, m: BounceMailboxesTable): Promise<MailboxConnection> {
  const relay = await ctx.store.db
    .selectFrom('relays')
    .selectAll()
    .where('id', '=', m.relay_id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!relay) throw new AppError('not_found', 'the relay of this mailbox was deleted');
  if (!fixedBounceAddress(relay))
    throw new AppError('conflict', "the relay's bounce handling no longer uses a fixed address");
  const address = await mailboxAddress(ctx, m.host);
  let auth: MailboxConnection['auth'];
  if (m.auth_type === 'relay-oauth') {
    if (relay.auth_type !== 'oauth2')
      throw new AppError('conflict', 'the relay has no OAuth sign-in any more');
    auth = { user: relay.oauth_user ?? '', accessToken: await accessTokenFor(ctx, relay) };
  } else {
    if (!m.password_enc) throw new AppError('conflict', 'no password is stored for this mailbox');
    auth = {
      user: m.username ?? '',
      pass: ctx.secrets.decrypt(m.password_enc, `bounce-mailbox:${m.relay_id}:password`),
    };
  }
  const keyword = m.keyword;
  return {
    host: m.host,
    address,
    port: m.port,
    security: m.security,
    verifyCertificate: m.verify_certificate === 1,
    auth,
    mailbox: m.mailbox,
    afterProcessing:
      m.after_action === 'move' && m.move_to
        ? { action: 'move', folder: m.move_to, keyword }
        : { action: 'flag', keyword },
    timeoutMs: IMAP_TIMEOUT_MS,
    limit: MESSAGES_PER_POLL,
    maxBytes: MAX_SOURCE_BYTES,
  };
}

/**
 * Polls the mailbox of `relayId` now; `undefined` when another poll holds its lease. The outcome is
 * also written on the mailbox (its status in the API).
 */
export async function pollMailbox(ctx: AppContext, relayId: string): Promise<PollOutcome | undefined> {
  const owner = randomBytes(8).toString('hex');
  if (!(await takeLease(ctx, relayId, owner))) return undefined;
  const startedAt = ctx.clock.now();
  const counts: SessionCounts = { processed: 0, recorded: 0, unmatched: 0, notBounces: 0 };
  let outcome: PollOutcome;
  try {
    const m = await ctx.store.db
      .selectFrom('bounce_mailboxes')
      .selectAll()
      .where('relay_id', '=', relayId)
      .executeTakeFirstOrThrow();
    const conn = await connectionOf(ctx, m);
    let renewed = ctx.clock.now();
    const handle = async (raw: Buffer) => {
      if (ctx.clock.now() - renewed > LEASE_MS / 2) renewed = await renewLease(ctx, relayId, owner);
      return handleMessage(ctx, { orgId: m.org_id, relayId: m.relay_id }, raw);
    };
    await runSession(conn, handle, counts);
    outcome = { ok: true, error: null, ...counts };
  } catch (err) {
    const error = err instanceof AppError ? err.message : describeImapError(err);
    ctx.log.warn(
      { event: 'bounce_mailbox.poll_failed', relay: relayId, error },
      'polling a bounce mailbox failed',
    );
    outcome = { ok: false, error, ...counts };
  }
  await ctx.store.db
    .updateTable('bounce_mailboxes')
    .set((eb) => ({
      last_poll_at: startedAt,
      ...(outcome.ok ? { last_success_at: startedAt } : {}),
      last_error: outcome.error,
      processed_count: eb('processed_count', '+', outcome.processed),
      recorded_count: eb('recorded_count', '+', outcome.recorded),
      unmatched_count: eb('unmatched_count', '+', outcome.unmatched),
      not_bounce_count: eb('not_bounce_count', '+', outcome.notBounces),
      lease_owner: null,
      lease_until: null,
    }))
    .where('relay_id', '=', relayId)
    .where('lease_owner', '=', owner)
    .execute();
  if (outcome.processed > 0)
    ctx.log.info(
      { event: 'bounce_mailbox.polled', relay: relayId, ...outcome },
      `bounce mailbox: ${outcome.processed} messages, ${outcome.recorded} bounces recorded`,
    );
  return outcome;
}
