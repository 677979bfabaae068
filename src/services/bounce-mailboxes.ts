/**
 * Bounce mailbox settings of a relay (SPEC R17 `address`, R19): read, set (replacing the whole
 * setting; the password is sealed and write-only, an omitted one is kept), delete, and poll now.
 * Only relays whose bounces go to a fixed address (`address`, or `platform` with `fixedReturnPath`)
 * have one. Every change is audited.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { fixedBounceAddress, type PollOutcome, pollMailbox } from '../bounces/mailbox-poll.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../domain/errors.js';
import { checkRelayHost } from '../domain/hosts.js';
import type {
  BounceMailboxInput,
  BounceMailboxPoll,
  BounceMailboxView,
} from '../schemas/bounce-mailboxes.js';
import { iso } from '../schemas/common.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { loadRelay } from '../store/repos/relays.js';
import type { BounceMailboxesTable, Database, RelaysTable } from '../store/schema.js';

type Db = Kysely<Database>;

export function bounceMailboxView(m: BounceMailboxesTable): BounceMailboxView {
  return {
    relayId: m.relay_id,
    host: m.host,
    port: m.port,
    security: m.security,
    verifyCertificate: m.verify_certificate === 1,
    authentication:
      m.auth_type === 'relay-oauth'
        ? { type: 'relay-oauth' }
        : { type: 'password', username: m.username ?? '', passwordSet: m.password_enc !== null },
    mailbox: m.mailbox,
    afterProcessing:
      m.after_action === 'move'
        ? { action: 'move', folder: m.move_to ?? '', keyword: m.keyword }
        : { action: 'flag', keyword: m.keyword },
    enabled: m.enabled === 1,
    status: {
      lastPollAt: iso(m.last_poll_at),
      lastSuccessAt: iso(m.last_success_at),
      lastError: m.last_error,
      processed: Number(m.processed_count),
      recorded: Number(m.recorded_count),
      unmatched: Number(m.unmatched_count),
      notBounces: Number(m.not_bounce_count),
    },
    createdAt: iso(m.created_at)!,
    updatedAt: iso(m.updated_at)!,
  };
}

async function mailboxOf(db: Db, orgId: string, relayId: string): Promise<BounceMailboxesTable | undefined> {
  return db
    .selectFrom('bounce_mailboxes')
    .selectAll()
    .where('relay_id', '=', relayId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

export async function getBounceMailbox(
  ctx: AppContext,
  orgId: string,
  relayId: string,
): Promise<BounceMailboxView> {
  await loadRelay(ctx.store.db, orgId, relayId);
  const m = await mailboxOf(ctx.store.db, orgId, relayId);
  if (!m) throw notFound('bounce mailbox');
  return bounceMailboxView(m);
}

/** The problems of `input` for `relay`, by field. */
function problems(
  ctx: AppContext,
  relay: RelaysTable,
  input: BounceMailboxInput,
  old: BounceMailboxesTable | undefined,
): { fields: Record<string, string>; host: string } {
  const fields: Record<string, string> = {};
  const host = checkRelayHost(input.host, ctx.config.relayHosts);
  if ('error' in host) fields.host = host.error.replace(/relays?\b/g, 'mailbox hosts');
  const auth = input.authentication;
  if (
    auth.type === 'password' &&
    auth.password === undefined &&
    !(old?.auth_type === 'password' && old.password_enc)
  )
    fields['authentication.password'] = 'is required (none is stored yet)';
  if (auth.type === 'relay-oauth') {
    if (relay.auth_type !== 'oauth2')
      fields['authentication.type'] = 'relay-oauth needs a relay that signs in with OAuth; use a password';
    else if (relay.auth_service !== 'gmail')
      fields['authentication.type'] =
        "the relay's Microsoft 365 consent covers SMTP sending only, not IMAP; use a password";
  }
  const after = input.afterProcessing;
  if (after.action === 'move' && after.folder === input.mailbox)
    fields['afterProcessing.folder'] = 'must differ from the polled mailbox';
  return { fields, host: 'host' in host ? host.host : input.host };
}

export async function putBounceMailbox(
  ctx: AppContext,
  actor: Principal,
  relayId: string,
  input: BounceMailboxInput,
): Promise<BounceMailboxView> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const relay = await loadRelay(trx, actor.orgId, relayId);
    if (!fixedBounceAddress(relay))
      throw new AppError(
        'conflict',
        `bounces of this relay do not go to a fixed address (bounceHandling mode "${relay.bounce_mode}"); a bounce mailbox needs mode "address" or "platform" with fixedReturnPath`,
        { bounceHandling: 'must be "address" or "platform" with fixedReturnPath' },
      );
    const old = await mailboxOf(trx, actor.orgId, relayId);
    const { fields, host } = problems(ctx, relay, input, old);
    if (Object.keys(fields).length > 0)
      throw new AppError(
        'validation_failed',
        `invalid bounce mailbox: ${Object.entries(fields)
          .map(([k, m]) => `${k} ${m}`)
          .join('; ')}`,
        fields,
      );
    const auth = input.authentication;
    const after = input.afterProcessing;
    const password_enc =
      auth.type !== 'password'
        ? null
        : auth.password !== undefined
          ? ctx.secrets.encrypt(auth.password, `bounce-mailbox:${relayId}:password`)
          : (old?.password_enc ?? null);
    const settings = {
      host,
      port: input.port,
      security: input.security,
      verify_certificate: input.verifyCertificate ? 1 : 0,
      auth_type: auth.type,
      username: auth.type === 'password' ? auth.username : null,
      password_enc,
      mailbox: input.mailbox,
      after_action: after.action,
      keyword: after.keyword,
      move_to: after.action === 'move' ? after.folder : null,
      enabled: input.enabled ? 1 : 0,
      updated_at: now,
    };
    let row: BounceMailboxesTable;
    if (old) {
      // Changed settings earn a fresh poll and a fresh status; the counts go on.
      const fresh = { last_poll_at: null, last_success_at: null, last_error: null };
      row = { ...old, ...settings, ...fresh };
      await trx
        .updateTable('bounce_mailboxes')
        .set({ ...settings, ...fresh })
        .where('relay_id', '=', relayId)
        .execute();
    } else {
      row = {
        relay_id: relayId,
        org_id: actor.orgId,
        ...settings,
        last_poll_at: null,
        last_success_at: null,
        last_error: null,
        processed_count: 0,
        recorded_count: 0,
        unmatched_count: 0,
        not_bounce_count: 0,
        lease_owner: null,
        lease_until: null,
        created_at: now,
      };
      await trx.insertInto('bounce_mailboxes').values(row).execute();
    }
    const view = bounceMailboxView(row);
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: old ? 'relay.bounce_mailbox.update' : 'relay.bounce_mailbox.create',
      targetType: 'relay',
      targetId: relayId,
      before: old ? bounceMailboxView(old) : undefined,
      after: view,
      at: now,
    });
    return view;
  });
}

export async function deleteBounceMailbox(ctx: AppContext, actor: Principal, relayId: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    await loadRelay(trx, actor.orgId, relayId);
    const old = await mailboxOf(trx, actor.orgId, relayId);
    if (!old) throw notFound('bounce mailbox');
    await trx.deleteFrom('bounce_mailboxes').where('relay_id', '=', relayId).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'relay.bounce_mailbox.delete',
      targetType: 'relay',
      targetId: relayId,
      before: bounceMailboxView(old),
      at: now,
    });
  });
}

const WAIT_FOR_LEASE_MS = 30_000;

/** Polls the mailbox now (enabled or not), waiting a while for a poll in progress to finish. */
export async function pollBounceMailboxNow(
  ctx: AppContext,
  orgId: string,
  relayId: string,
): Promise<BounceMailboxPoll> {
  await getBounceMailbox(ctx, orgId, relayId);
  const end = Date.now() + WAIT_FOR_LEASE_MS;
  for (;;) {
    const outcome: PollOutcome | undefined = await pollMailbox(ctx, relayId);
    if (outcome) return outcome;
    if (Date.now() > end) throw new AppError('conflict', 'another poll of this mailbox is still running');
    await new Promise((r) => setTimeout(r, 200));
  }
}
