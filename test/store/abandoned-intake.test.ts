// Earlier versions committed a streamed mass email's chunks held on SQLite (`HELD_UNTIL`); a database
// a process of theirs stopped mid-intake still has them. Nothing was accepted, so the held rows must
// neither be sent nor stay for ever: `dropAbandonedIntakes` removes those messages, and only those,
// when intake starts again. (Intake now stages the chunks in a temporary table instead.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginMessage, dropAbandonedIntakes, enqueueChunk, HELD_UNTIL } from '../../src/queue/enqueue.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('abandoned streamed intakes on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await openTestContext(dialect);
    await t.ctx.store.db
      .insertInto('orgs')
      .values({ id: 'org_a', name: 'abandoned', plan: 'standard', datacenter: 'jp', created_at: 0 })
      .execute();
  });
  afterAll(() => t.close());

  const message = () =>
    beginMessage(
      t.ctx.store.db,
      {
        org_id: 'org_a',
        type: 'mass',
        from_address: 'news@sakura.com',
        from_domain: 'sakura.com',
        subject: 'Hello',
        content: '{}',
        metadata: null,
        size: 10,
        submitted_by: 'test',
      },
      t.clock.now(),
    );
  const chunk = (messageId: string, dueAt: number) =>
    enqueueChunk(
      t.ctx.store.db,
      t.ctx.store.dialect,
      { messageId, orgId: 'org_a', type: 'mass', subject: 'Hello', priority: 2, now: t.clock.now(), dueAt },
      Array.from({ length: 3 }, (_, i) => ({
        recipient: `${messageId}-${i}@example.net`,
        recipientDomain: 'example.net',
      })) as never,
    );

  it('drops the half-received mass email and keeps the accepted one', async () => {
    const abandoned = await message();
    await chunk(abandoned, HELD_UNTIL);
    await chunk(abandoned, HELD_UNTIL);
    const accepted = await message();
    await chunk(accepted, t.clock.now());
    expect(await dropAbandonedIntakes(t.ctx.store.db)).toEqual([abandoned]);
    const left = await t.ctx.store.db.selectFrom('deliveries').select('message_id').execute();
    expect(left.map((d) => d.message_id)).toEqual([accepted, accepted, accepted]);
    const messages = await t.ctx.store.db.selectFrom('messages').select('id').execute();
    expect(messages.map((m) => m.id)).toEqual([accepted]);
    expect(await dropAbandonedIntakes(t.ctx.store.db)).toEqual([]);
  });
});
