import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/services/api-keys.js';
import { createOrg } from '../../src/services/orgs.js';
import { pauseDestination, setHalvings } from '../../src/store/repos/destination-states.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

/**
 * `GET /api/v1/destinations` and `POST /api/v1/destinations/:id/resume` (issue 21): every org reads
 * the platform-wide destinations; only an admin of a platform admin org resumes one, audit-logged.
 */
describe.each(dialects)('destinations API on %s', (dialect) => {
  let t: TestApp;
  let otherAdmin: string;

  beforeAll(async () => {
    t = await startTestApp(dialect, { MAILROUTE_PLATFORM_ADMIN_ORGS: 'default' });
    const org = await createOrg(t.app.ctx, { name: 'tenant-b' });
    const actor = { kind: 'api_key', id: 'test', orgId: org.id, role: 'admin', label: 'test' } as const;
    otherAdmin = (await createApiKey(t.app.ctx, actor, { name: 'b admin', role: 'admin' })).key;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the built-in rules with their state, pauses and the reply masked', async () => {
    const now = t.clock.now();
    await pauseDestination(
      t.app.ctx.store.db,
      'docomo',
      now + 15 * 60_000,
      '421 4.7.0 too many messages for someone@docomo.ne.jp',
      now,
    );
    await setHalvings(t.app.ctx.store.db, 'gmail', 1, now, '421 4.7.0 try again later');
    const res = await t.call('GET', '/api/v1/destinations', undefined, otherAdmin);
    expect(res.status).toBe(200);
    expect(res.body.canResume).toBe(false);
    const byId = new Map(res.body.items.map((d: { id: string }) => [d.id, d]));
    expect([...byId.keys()]).toEqual(
      expect.arrayContaining(['gmail', 'outlook', 'yahoo', 'docomo', 'au', 'softbank']),
    );
    const docomo = byId.get('docomo') as Record<string, unknown>;
    expect(docomo.maxConnections).toBe(2);
    expect(docomo.messagesPerConnection).toBeLessThanOrEqual(100);
    expect(docomo.pausedUntil).toBe(new Date(now + 15 * 60_000).toISOString());
    expect(docomo.pausedBy).toContain('4.7.0');
    expect(docomo.pausedBy).not.toContain('someone@');
    const gmail = byId.get('gmail') as Record<string, unknown>;
    expect(gmail.currentRatePerMinute).toBe((gmail.ratePerMinute as number) / 2);
  });

  it('refuses a resume from an org that is not a platform admin, and resumes for one, audit-logged', async () => {
    const refused = await t.call('POST', '/api/v1/destinations/docomo/resume', undefined, otherAdmin);
    expect(refused.status).toBe(403);
    const unknown = await t.call('POST', '/api/v1/destinations/nowhere/resume');
    expect(unknown.status).toBe(404);
    const list = await t.call('GET', '/api/v1/destinations');
    expect(list.body.canResume).toBe(true);
    const res = await t.call('POST', '/api/v1/destinations/docomo/resume');
    expect(res.status).toBe(200);
    expect(res.body.pausedUntil).toBeNull();
    const audit = await t.call('GET', '/api/v1/audit-log?action=destination.resume');
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('docomo');
  });
});
