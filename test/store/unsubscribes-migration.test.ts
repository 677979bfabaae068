/**
 * Migration 0013 (issue 17): suppressions there before it get scope `all` (they stopped every mail
 * and still do); it goes down and up again cleanly on both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as m0013 from '../../src/store/migrations/0013-unsubscribes.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('migration 0013 on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives earlier suppressions scope all, and undoes itself', async () => {
    const db = t.app.ctx.store.db;
    expect((await t.call('POST', '/api/v1/suppressions', { address: 'old@example.net' })).status).toBe(201);
    await m0013.down(db);
    const before = await (db as any).selectFrom('suppressions').selectAll().execute();
    expect(before[0]).not.toHaveProperty('scope');
    await m0013.up(db);
    expect(await db.selectFrom('suppressions').select(['address', 'scope']).execute()).toEqual([
      { address: 'old@example.net', scope: 'all' },
    ]);
    expect(await db.selectFrom('mass_pauses').selectAll().execute()).toEqual([]);
  });
});
