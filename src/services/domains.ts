/**
 * Sending domains of an org (SPEC R3, R26): added within the plan's limit, verified by a DNS TXT
 * record, each with a DKIM key whose private half is encrypted at rest. A rotated key waits as
 * `pending` and takes over only once its DNS record is seen; the old key signs until then.
 */

import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import {
  type DkimAlgorithm,
  dkimDnsRecord,
  dkimRecordName,
  generateDkimKey,
  newSelector,
  publishesKey,
} from '../dkim/keys.js';
import { DnsError } from '../dns/resolver.js';
import { normalizeDomain } from '../domain/domain-names.js';
import { AppError, invalidField, notFound } from '../domain/errors.js';
import { fieldIssue } from '../domain/field-issues.js';
import { newId } from '../domain/ids.js';
import { iso } from '../schemas/common.js';
import type { DomainView } from '../schemas/domains.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { lockOrg, planOf } from '../store/repos/orgs.js';
import type { Database, DkimKeysTable, DomainsTable } from '../store/schema.js';

export const VERIFICATION_PREFIX = 'mailroute-verification=';

export const verificationRecord = (d: Pick<DomainsTable, 'name' | 'verification_token'>) => ({
  type: 'TXT' as const,
  name: `_mailroute.${d.name}`,
  value: `${VERIFICATION_PREFIX}${d.verification_token}`,
});

const dkimView = (k: DkimKeysTable, domain: string) => ({
  selector: k.selector,
  algorithm: k.algorithm,
  status: k.status as 'pending' | 'active',
  dnsRecord: dkimDnsRecord(domain, { selector: k.selector, algorithm: k.algorithm, publicKey: k.public_key }),
  createdAt: iso(k.created_at)!,
});

function view(d: DomainsTable, keys: DkimKeysTable[]): DomainView {
  const active = keys.find((k) => k.status === 'active');
  const pending = keys.find((k) => k.status === 'pending');
  return {
    id: d.id,
    name: d.name,
    verified: d.verified_at !== null,
    verifiedAt: iso(d.verified_at),
    lastCheckedAt: iso(d.last_checked_at),
    verification: verificationRecord(d),
    dkim: active ? dkimView(active, d.name) : null,
    dkimPending: pending ? dkimView(pending, d.name) : null,
    createdAt: iso(d.created_at)!,
  };
}

async function load(db: Kysely<Database>, orgId: string, id: string) {
  const d = await db
    .selectFrom('domains')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!d) throw notFound('domain');
  const keys = await db
    .selectFrom('dkim_keys')
    .selectAll()
    .where('domain_id', '=', id)
    .where('status', '!=', 'retired')
    .execute();
  return { d, keys };
}

export async function listDomains(ctx: AppContext, orgId: string): Promise<DomainView[]> {
  const { db } = ctx.store;
  const domains = await db
    .selectFrom('domains')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  const keys = await db
    .selectFrom('dkim_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', '!=', 'retired')
    .execute();
  return domains.map((d) =>
    view(
      d,
      keys.filter((k) => k.domain_id === d.id),
    ),
  );
}

export async function getDomain(ctx: AppContext, orgId: string, id: string): Promise<DomainView> {
  const { d, keys } = await load(ctx.store.db, orgId, id);
  return view(d, keys);
}

function newKeyRow(
  ctx: AppContext,
  orgId: string,
  domainId: string,
  algorithm: DkimAlgorithm,
  status: 'pending' | 'active',
): DkimKeysTable {
  const now = ctx.clock.now();
  const key = generateDkimKey(algorithm);
  const id = newId('dkm');
  return {
    id,
    org_id: orgId,
    domain_id: domainId,
    selector: newSelector(now),
    algorithm,
    public_key: key.publicKey,
    private_key_enc: ctx.secrets.encrypt(key.privateKeyPem, `dkim:${id}:private_key`),
    status,
    created_at: now,
    activated_at: status === 'active' ? now : null,
    retired_at: null,
  };
}

export async function createDomain(
  ctx: AppContext,
  actor: Principal,
  input: { name: string; dkimAlgorithm: DkimAlgorithm },
): Promise<DomainView> {
  const name = normalizeDomain(input.name);
  if (!name) throw invalidField('name', 'must be a domain name such as example.com');
  const now = ctx.clock.now();
  const verifiedAt = ctx.config.domainVerification === 'off' ? now : null;
  const domain: DomainsTable = {
    id: newId('dom'),
    org_id: actor.orgId,
    name,
    verification_token: randomBytes(18).toString('base64url'),
    verified_at: verifiedAt,
    last_checked_at: null,
    created_at: now,
  };
  const key = newKeyRow(ctx, actor.orgId, domain.id, input.dkimAlgorithm, 'active');
  return ctx.store.db.transaction().execute(async (trx) => {
    await lockOrg(trx, ctx.store.dialect, actor.orgId);
    const plan = await planOf(trx, actor.orgId);
    const count = await trx
      .selectFrom('domains')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= plan.maxDomains) {
      throw new AppError(
        'limit_exceeded',
        `the "${plan.name}" plan allows at most ${plan.maxDomains} domains (maxDomains)`,
        undefined,
        { limit: 'maxDomains', max: plan.maxDomains },
      );
    }
    const exists = await trx
      .selectFrom('domains')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (exists)
      throw new AppError(
        'conflict',
        `domain ${name} already exists`,
        { name: 'already exists' },
        { issues: [fieldIssue('name', 'already_exists', 'already exists')] },
      );
    await trx.insertInto('domains').values(domain).execute();
    await trx.insertInto('dkim_keys').values(key).execute();
    const v = view(domain, [key]);
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'domain.create',
      targetType: 'domain',
      targetId: domain.id,
      after: v,
      at: now,
    });
    return v;
  });
}

export async function deleteDomain(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const { d, keys } = await load(trx, actor.orgId, id);
    const relays = await trx
      .selectFrom('relays')
      .select('name')
      .where('domain_id', '=', id)
      .where('deleted_at', 'is', null)
      .execute();
    if (relays.length > 0) {
      throw new AppError(
        'conflict',
        `domain ${d.name} still has relays (${relays.map((r) => r.name).join(', ')}); delete them first`,
      );
    }
    const deletedRelays = await trx.selectFrom('relays').select('id').where('domain_id', '=', id).execute();
    if (deletedRelays.length > 0) {
      throw new AppError(
        'conflict',
        `domain ${d.name} has sending history through deleted relays and is kept for it`,
      );
    }
    await trx.deleteFrom('dkim_keys').where('domain_id', '=', id).execute();
    await trx.deleteFrom('domains').where('id', '=', id).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'domain.delete',
      targetType: 'domain',
      targetId: id,
      before: view(d, keys),
      at: ctx.clock.now(),
    });
  });
}

export async function rotateDkim(
  ctx: AppContext,
  actor: Principal,
  id: string,
  algorithm: DkimAlgorithm,
): Promise<DomainView> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const { d, keys } = await load(trx, actor.orgId, id);
    const before = view(d, keys);
    const hasActive = keys.some((k) => k.status === 'active');
    const now = ctx.clock.now();
    // A pending key that was never published is simply replaced.
    await trx
      .updateTable('dkim_keys')
      .set({ status: 'retired', retired_at: now })
      .where('domain_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    const key = newKeyRow(ctx, actor.orgId, id, algorithm, hasActive ? 'pending' : 'active');
    await trx.insertInto('dkim_keys').values(key).execute();
    const after = view(d, [...keys.filter((k) => k.status === 'active'), key]);
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'domain.dkim_rotate',
      targetType: 'domain',
      targetId: id,
      before,
      after,
      at: now,
    });
    return after;
  });
}

type Check = {
  record: 'verification' | 'dkim' | 'dkimPending';
  name: string;
  found: boolean;
  detail: string;
};

async function lookup(ctx: AppContext, name: string): Promise<string[] | DnsError> {
  try {
    return await ctx.dns.txt(name);
  } catch (err) {
    if (err instanceof DnsError) return err;
    throw err;
  }
}

/** Looks the domain's records up now: ownership, the signing key, and a rotated key waiting for DNS. */
export async function verifyDomain(
  ctx: AppContext,
  actor: Principal,
  id: string,
): Promise<{ domain: DomainView; checks: Check[] }> {
  const { d, keys } = await load(ctx.store.db, actor.orgId, id);
  const checks: Check[] = [];
  const rec = verificationRecord(d);
  const txt = await lookup(ctx, rec.name);
  const owned = Array.isArray(txt) && txt.some((t) => t.trim() === rec.value);
  checks.push({
    record: 'verification',
    name: rec.name,
    found: owned,
    detail:
      txt instanceof DnsError
        ? txt.message
        : owned
          ? 'verification record found'
          : `no TXT record "${rec.value}" at ${rec.name} (found ${txt.length} other TXT record(s))`,
  });
  const now = ctx.clock.now();
  let activate: DkimKeysTable | undefined;
  for (const k of keys) {
    const name = dkimRecordName(k.selector, d.name);
    const records = await lookup(ctx, name);
    const found = Array.isArray(records) && publishesKey(records, k.algorithm, k.public_key);
    checks.push({
      record: k.status === 'active' ? 'dkim' : 'dkimPending',
      name,
      found,
      detail:
        records instanceof DnsError
          ? records.message
          : found
            ? 'DKIM record publishes this key'
            : records.length
              ? 'a DKIM record is published but not with this key'
              : 'no DKIM record published',
    });
    if (k.status === 'pending' && found) activate = k;
  }
  await ctx.store.db.transaction().execute(async (trx) => {
    const verifiedAt = d.verified_at ?? (owned ? now : null);
    await trx
      .updateTable('domains')
      .set({ last_checked_at: now, verified_at: verifiedAt })
      .where('id', '=', id)
      .execute();
    if (owned && d.verified_at === null) {
      await writeAudit(trx, {
        orgId: actor.orgId,
        actor,
        action: 'domain.verified',
        targetType: 'domain',
        targetId: id,
        after: { name: d.name },
        at: now,
      });
    }
    if (activate) {
      await trx
        .updateTable('dkim_keys')
        .set({ status: 'retired', retired_at: now })
        .where('domain_id', '=', id)
        .where('status', '=', 'active')
        .execute();
      await trx
        .updateTable('dkim_keys')
        .set({ status: 'active', activated_at: now })
        .where('id', '=', activate.id)
        .execute();
      await writeAudit(trx, {
        orgId: actor.orgId,
        actor,
        action: 'domain.dkim_activate',
        targetType: 'domain',
        targetId: id,
        after: { selector: activate.selector },
        at: now,
      });
    }
  });
  return { domain: await getDomain(ctx, actor.orgId, id), checks };
}
