// A campaign's counts and recipient pages read the message's own deliveries through
// deliveries_message_created: their cost grows with the message, never with the whole queue.
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { progressQuery, recipientsQuery } from '../../src/services/campaigns.js';
import { openTestContext, type TestContext } from '../helpers/context.js';

describe('campaign query plans on SQLite', () => {
  let t: TestContext;
  let ctx: AppContext;

  beforeAll(async () => {
    t = await openTestContext('sqlite');
    ctx = t.ctx;
  });
  afterAll(() => t.close());

  async function plan(c: CompiledQuery): Promise<string> {
    const res = await ctx.store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]),
    );
    return res.rows.map((r) => r.detail).join('\n');
  }

  it('counts a message through its index, without scanning the deliveries', async () => {
    const p = await plan(progressQuery('msg_x').compile(ctx.store.db));
    expect(p).toContain('USING INDEX deliveries_message_created (message_id=?)');
    expect(p).not.toMatch(/SCAN deliveries(?! USING)/);
  });

  it('pages recipients in the index order, searched or not, without sorting', async () => {
    const m = { id: 'msg_x', subject: 'Hello {{name}}' };
    for (const q of [{ limit: 25 }, { limit: 25, q: '田中' }, { limit: 25, status: 'sent' as const }]) {
      const p = await plan(recipientsQuery(ctx.store.db, m, q, { at: 1, id: 'dlv_a' }).compile());
      expect(p, JSON.stringify(q)).toContain('deliveries_message_created (message_id=?');
      expect(p, JSON.stringify(q)).not.toContain('TEMP B-TREE');
    }
  });
});
