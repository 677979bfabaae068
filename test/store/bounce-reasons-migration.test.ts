/**
 * Migration 0011 on a database that already has bounces and suppressions: every old bounce gets a
 * reason (the one its class says, else `undefined`), old suppressions keep no bounce reason, and new
 * rows take theirs; on SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrations/index.js';
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/databases.js';

describe.each(dialects)('bounce reasons, migrated on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    dir = mkdtempSync(join(tmpdir(), 'mailroute-migration-'));
    store = openStore(
      dialect === 'sqlite'
        ? { kind: 'sqlite', path: join(dir, 'm.db') }
        : { kind: 'postgres', url: database.url! },
    );
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const bounce = (id: string, cls: string) => ({
    id,
    org_id: 'org_a',
    delivery_id: 'dlv_1',
    message_id: 'msg_1',
    recipient: 'ann@example.net',
    status: '5.1.1',
    action: 'failed',
    diagnostic_code: '',
    class: cls,
    source: 'listener',
    feedback_type: null,
    created_at: 1,
  });

  it('gives every old bounce a reason and leaves old suppressions without one', async () => {
    const db = store.db as unknown as Kysely<any>;
    await migrateTo(db, '0010-user-email-per-org');
    await db
      .insertInto('orgs')
      .values({ id: 'org_a', name: 'a', plan: 'standard', datacenter: 'dc1', created_at: 1 })
      .execute();
    await db
      .insertInto('messages')
      .values({
        id: 'msg_1',
        org_id: 'org_a',
        type: 'individual',
        from_address: 'info@sakura.com',
        from_domain: 'sakura.com',
        subject: 's',
        content: '{}',
        metadata: null,
        size: 1,
        recipient_count: 1,
        submitted_by: 'test',
        created_at: 1,
      })
      .execute();
    await db
      .insertInto('deliveries')
      .values({
        id: 'dlv_1',
        org_id: 'org_a',
        message_id: 'msg_1',
        recipient: 'ann@example.net',
        recipient_domain: 'example.net',
        type: 'individual',
        priority: 0,
        status: 'bounced',
        next_attempt_at: 1,
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    await db
      .insertInto('bounces')
      .values([
        bounce('bnc_1', 'hard'),
        bounce('bnc_2', 'soft'),
        bounce('bnc_3', 'complaint'),
        bounce('bnc_4', 'auto-reply'),
        bounce('bnc_5', 'delivered'),
        bounce('bnc_6', 'unknown'),
      ])
      .execute();
    await db
      .insertInto('suppressions')
      .values({
        org_id: 'org_a',
        address: 'ann@example.net',
        reason: 'hard-bounce',
        source: 'listener',
        created_at: 1,
      })
      .execute();

    expect(await migrateToLatest(db)).toContain('0011-bounce-reasons');

    expect(await store.db.selectFrom('bounces').select(['id', 'reason']).orderBy('id').execute()).toEqual([
      { id: 'bnc_1', reason: 'undefined' },
      { id: 'bnc_2', reason: 'undefined' },
      { id: 'bnc_3', reason: 'feedback' },
      { id: 'bnc_4', reason: 'vacation' },
      { id: 'bnc_5', reason: 'delivered' },
      { id: 'bnc_6', reason: 'undefined' },
    ]);
    expect(await store.db.selectFrom('suppressions').select(['address', 'bounce_reason']).execute()).toEqual([
      { address: 'ann@example.net', bounce_reason: null },
    ]);
    // New rows: one written without a reason gets the default; one with a reason keeps it, and so
    // does a suppression; the column takes no null.
    await db.insertInto('bounces').values(bounce('bnc_7', 'hard')).execute();
    await store.db
      .insertInto('bounces')
      .values({ ...bounce('bnc_8', 'hard'), class: 'hard', reason: 'user-unknown' })
      .execute();
    await store.db
      .insertInto('suppressions')
      .values({
        org_id: 'org_a',
        address: 'bob@example.net',
        reason: 'hard-bounce',
        source: 'listener',
        bounce_reason: 'user-unknown',
        scope: 'all',
        created_at: 2,
      })
      .execute();
    expect(
      await store.db
        .selectFrom('bounces')
        .select(['id', 'reason'])
        .where('id', '>=', 'bnc_7')
        .orderBy('id')
        .execute(),
    ).toEqual([
      { id: 'bnc_7', reason: 'undefined' },
      { id: 'bnc_8', reason: 'user-unknown' },
    ]);
    expect(
      await store.db
        .selectFrom('suppressions')
        .select('bounce_reason')
        .where('address', '=', 'bob@example.net')
        .executeTakeFirst(),
    ).toEqual({ bounce_reason: 'user-unknown' });
    await expect(
      db.updateTable('bounces').set({ reason: null }).where('id', '=', 'bnc_8').execute(),
    ).rejects.toThrow();
  });
});
