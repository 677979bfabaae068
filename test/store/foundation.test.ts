import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { bootstrap, createOrg } from '../../src/services/orgs.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { listAudit, writeAudit } from '../../src/store/repos/audit-log.js';
import { planOf } from '../../src/store/repos/orgs.js';
import { readSettings, writeSettings } from '../../src/store/repos/settings.js';
import type { TestClock } from '../helpers/clock.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('store on %s', (dialect) => {
  let t: TestContext;
  let ctx: AppContext;
  let clock: TestClock;

  beforeAll(async () => {
    t = await openTestContext(dialect, {
      MAILROUTE_BOOTSTRAP_API_KEY: 'bootstrap-key-0123456789',
      MAILROUTE_BOOTSTRAP_ADMIN_EMAIL: 'Root@Example.test',
      MAILROUTE_BOOTSTRAP_ADMIN_PASSWORD: 'password123',
    });
    ({ ctx, clock } = t);
  });
  afterAll(() => t.close());

  it('runs on the expected dialect and migrations are idempotent', async () => {
    expect(ctx.store.dialect).toBe(dialect);
    expect(await migrateToLatest(ctx.store.db)).toEqual([]);
  });

  it('bootstraps org default, the admin key and the admin user once, however often it runs', async () => {
    await Promise.all([bootstrap(ctx), bootstrap(ctx)]);
    await bootstrap(ctx);
    const orgs = await ctx.store.db.selectFrom('orgs').selectAll().execute();
    expect(orgs.map((o) => o.name)).toEqual(['default']);
    expect(orgs[0]!.plan).toBe('standard');
    expect(typeof orgs[0]!.created_at).toBe('number');
    const keys = await ctx.store.db.selectFrom('api_keys').selectAll().execute();
    expect(keys).toHaveLength(1);
    expect(keys[0]!.hash).not.toContain('bootstrap-key');
    const users = await ctx.store.db.selectFrom('users').selectAll().execute();
    expect(users.map((u) => [u.email, u.role])).toEqual([['root@example.test', 'admin']]);
    expect(users[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it("keeps the plans table in step with configuration and reads an org's plan", async () => {
    const org = (await ctx.store.db.selectFrom('orgs').selectAll().executeTakeFirstOrThrow()).id;
    expect(await planOf(ctx.store.db, org)).toEqual({
      name: 'standard',
      dailyLimit: 5000,
      maxDomains: 5,
      maxRelaysPerDomain: 3,
    });
  });

  it('creates further orgs with their own settings and refuses a duplicate name', async () => {
    const org = await createOrg(ctx, { name: 'acme', plan: 'top', timeZone: 'Europe/Berlin' });
    expect(org.plan).toBe('top');
    expect(await readSettings(ctx.store.db, org.id)).toMatchObject({
      timeZone: 'Europe/Berlin',
      relayFallback: 'platform',
    });
    await expect(createOrg(ctx, { name: 'acme' })).rejects.toThrow(/already exists/);
    await expect(createOrg(ctx, { name: 'other', plan: 'gold' })).rejects.toThrow(/unknown plan "gold"/);
  });

  it('writes settings as upserts', async () => {
    const org = (
      await ctx.store.db
        .selectFrom('orgs')
        .select('id')
        .where('name', '=', 'default')
        .executeTakeFirstOrThrow()
    ).id;
    await writeSettings(ctx.store.db, org, { relayFallback: 'retry' }, clock.now());
    await writeSettings(ctx.store.db, org, { relayFallback: 'platform', extra: { a: 1 } }, clock.now());
    const s = await readSettings(ctx.store.db, org);
    expect(s.relayFallback).toBe('platform');
    expect(s.extra).toEqual({ a: 1 });
  });

  it('pages the audit log newest first with a stable (time, id) order and redacts secrets', async () => {
    const org = await createOrg(ctx, { name: `audit-${randomBytes(3).toString('hex')}` });
    for (let i = 0; i < 5; i++) {
      await writeAudit(ctx.store.db, {
        orgId: org.id,
        actor: 'system',
        action: 'test.step',
        targetType: 't',
        targetId: String(i),
        after: { i, password: 'hunter2' },
        at: 1000 + Math.floor(i / 2),
      });
    }
    const first = await listAudit(ctx.store.db, { orgId: org.id, limit: 3, action: 'test.step' });
    const last = first.at(-1)!;
    const second = await listAudit(ctx.store.db, {
      orgId: org.id,
      limit: 3,
      action: 'test.step',
      before: { at: last.at, id: last.id },
    });
    const all = [...first, ...second];
    expect(all).toHaveLength(5);
    expect(new Set(all.map((r) => r.target_id)).size).toBe(5);
    expect(all.map((r) => r.at)).toEqual([...all.map((r) => r.at)].sort((a, b) => b - a));
    expect(
      all.every((r) => r.after!.includes('"password":"[redacted]"') && !r.after!.includes('hunter2')),
    ).toBe(true);
  });
});
