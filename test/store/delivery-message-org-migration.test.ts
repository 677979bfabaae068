/**
 * Migration 0024 (issue 22): on PostgreSQL a delivery references (message, org) with one foreign
 * key instead of its message and its org with one each, so queuing a delivery costs one check.
 * What the two keys refused is still refused (a delivery of a message or an org that does not
 * exist), and now also a delivery of another org than its message's. It goes down and up again.
 * SQLite keeps its two keys (changing one there rebuilds the table) and refuses the same missing
 * message and org.
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as m0024 from '../../src/store/migrations/0024-delivery-message-org.js';
import type { Database } from '../../src/store/schema.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';
import { insertMassMessage, insertOrg } from '../helpers/rows.js';

describe.each(dialects)('migration 0024 on %s', (dialect) => {
  let t: TestContext;
  let db: Kysely<Database>;

  beforeAll(async () => {
    t = await openTestContext(dialect);
    db = t.ctx.store.db;
    for (const org of ['org_a', 'org_b']) await insertOrg(db, org);
    await insertMassMessage(db, { id: 'msg_a', orgId: 'org_a', recipientCount: 1 });
  });
  afterAll(() => t.close());

  let n = 0;
  const queue = (orgId: string, messageId: string) =>
    db
      .insertInto('deliveries')
      .values({
        id: `dlv_${++n}`,
        org_id: orgId,
        message_id: messageId,
        recipient: `r${n}@example.net`,
        recipient_domain: 'example.net',
        type: 'mass',
        priority: 2,
        status: 'queued',
        attempts: 0,
        next_attempt_at: 0,
        slowdowns: 0,
        created_at: 0,
        updated_at: 0,
      })
      .execute();

  async function foreignKeys(): Promise<string[]> {
    if (dialect === 'sqlite') {
      const { rows } = await sql<{ from: string; table: string; to: string }>`
        select "from", "table", "to" from pragma_foreign_key_list('deliveries')`.execute(db);
      return rows.map((r) => `${r.from} → ${r.table}.${r.to}`).sort();
    }
    const { rows } = await sql<{ def: string }>`
      select pg_get_constraintdef(oid) as def from pg_constraint
       where conrelid = 'deliveries'::regclass and contype = 'f' order by 1`.execute(db);
    return rows.map((r) => r.def);
  }

  const refused = async (orgId: string, messageId: string) =>
    expect(queue(orgId, messageId)).rejects.toThrow(/foreign key/i);

  it('keeps one key to (message, org) on PostgreSQL, two keys on SQLite', async () => {
    expect(await foreignKeys()).toEqual(
      dialect === 'postgres'
        ? ['FOREIGN KEY (message_id, org_id) REFERENCES messages(id, org_id)']
        : ['message_id → messages.id', 'org_id → orgs.id'],
    );
  });

  it('refuses a delivery of a missing message or org, and on PostgreSQL of another org than its message', async () => {
    await queue('org_a', 'msg_a');
    await refused('org_a', 'msg_missing');
    await refused('org_missing', 'msg_a');
    if (dialect === 'postgres') await refused('org_b', 'msg_a');
  });

  it('goes down and up again', async () => {
    const before = await foreignKeys();
    await m0024.down(db);
    if (dialect === 'postgres')
      expect(await foreignKeys()).toEqual([
        'FOREIGN KEY (message_id) REFERENCES messages(id)',
        'FOREIGN KEY (org_id) REFERENCES orgs(id)',
      ]);
    await m0024.up(db);
    expect(await foreignKeys()).toEqual(before);
    await refused('org_a', 'msg_missing');
  });
});
