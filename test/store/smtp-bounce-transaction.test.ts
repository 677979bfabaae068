// A refusal at SMTP time is written with the delivery's state change, on every dialect: the
// `bounced` state, its bounce row (source `smtp`), the suppression and the event commit together.
// A failure between them (here the bounce insert, made to fail by a trigger, as a crash would
// interrupt the transaction) leaves none of them: never a bounced delivery without its bounce.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { bouncedTransition, sentTransition } from '../../src/delivery/transition-of.js';
import type { SmtpBounce } from '../../src/domain/smtp-bounce.js';
import { claimDue } from '../../src/queue/claim.js';
import { enqueue } from '../../src/queue/enqueue.js';
import { TransitionWriter } from '../../src/queue/transitions.js';
import { createOrg } from '../../src/services/orgs.js';
import type { TestClock } from '../helpers/clock.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';

const unknownUser: SmtpBounce = {
  status: '5.1.1',
  diagnosticCode: '550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown',
  class: 'hard',
  reason: 'user-unknown',
  ruleId: 'status-bad-mailbox',
};

describe.each(dialects)('a bounce at SMTP time commits with its delivery on %s', (dialect) => {
  let t: TestContext;
  let ctx: AppContext;
  let clock: TestClock;

  beforeAll(async () => {
    t = await openTestContext(dialect);
    ({ ctx, clock } = t);
  });
  afterAll(() => t.close());

  const failBounceInserts = async (on: boolean) => {
    const db = ctx.store.db;
    if (dialect === 'sqlite') {
      if (on)
        await sql`create trigger crash_bounce before insert on bounces begin select raise(abort, 'crash before the bounce'); end`.execute(
          db,
        );
      else await sql`drop trigger crash_bounce`.execute(db);
      return;
    }
    if (on) {
      await sql`create or replace function crash_bounce() returns trigger language plpgsql as $$ begin raise exception 'crash before the bounce'; end $$`.execute(
        db,
      );
      await sql`create trigger crash_bounce before insert on bounces for each row execute function crash_bounce()`.execute(
        db,
      );
    } else {
      await sql`drop trigger crash_bounce on bounces`.execute(db);
      await sql`drop function crash_bounce()`.execute(db);
    }
  };

  it('writes all of it or none of it', async () => {
    const org = await createOrg(ctx, { name: 'Atomic' });
    const now = clock.now();
    await enqueue(
      ctx.store.db,
      {
        org_id: org.id,
        type: 'mass',
        from_address: 'news@sakura.com',
        from_domain: 'sakura.com',
        subject: 's',
        content: '{}',
        metadata: null,
        size: 1,
        submitted_by: 'test',
      },
      ['gone', 'fine'].map((r) => ({ recipient: `${r}@example.net`, recipientDomain: 'example.net' })),
      { now, priority: 2 },
    );
    const claimed = await claimDue(ctx.store, { owner: 'w1', limit: 2, now, leaseMs: 60_000 });
    const gone = claimed.find((d) => d.recipient === 'gone@example.net')!;
    const fine = claimed.find((d) => d.recipient === 'fine@example.net')!;
    const writer = new TransitionWriter(ctx.store, 'UTC');
    const bounced = {
      delivery: gone,
      owner: 'w1',
      transition: bouncedTransition(
        null,
        { status: '5.1.1', reply: unknownUser.diagnosticCode },
        unknownUser,
      ),
      attempts: [],
      now,
    };
    const sent = {
      delivery: fine,
      owner: 'w1',
      transition: sentTransition(null, '250 ok', now, 'verp'),
      attempts: [],
      now,
    };
    const state = async () => ({
      statuses: Object.fromEntries(
        (
          await ctx.store.db
            .selectFrom('deliveries')
            .select(['recipient', 'status'])
            .where('org_id', '=', org.id)
            .execute()
        ).map((r) => [r.recipient, r.status]),
      ),
      bounces: await ctx.store.db.selectFrom('bounces').selectAll().where('org_id', '=', org.id).execute(),
      suppressions: await ctx.store.db
        .selectFrom('suppressions')
        .selectAll()
        .where('org_id', '=', org.id)
        .execute(),
      events: await ctx.store.db.selectFrom('events').selectAll().where('org_id', '=', org.id).execute(),
    });

    await failBounceInserts(true);
    try {
      // Both finish together, so they share one transaction: the crash undoes the sent one too.
      const results = await Promise.allSettled([writer.write(bounced), writer.write(sent)]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await failBounceInserts(false);
    }
    expect(await state()).toEqual({
      statuses: { 'gone@example.net': 'sending', 'fine@example.net': 'sending' },
      bounces: [],
      suppressions: [],
      events: [],
    });

    // The worker still holds the lease: writing again commits everything together.
    expect(await Promise.all([writer.write(bounced), writer.write(sent)])).toEqual([true, true]);
    const after = await state();
    expect(after.statuses).toEqual({ 'gone@example.net': 'bounced', 'fine@example.net': 'sent' });
    expect(after.bounces).toEqual([
      expect.objectContaining({
        delivery_id: gone.id,
        recipient: 'gone@example.net',
        status: '5.1.1',
        action: 'failed',
        class: 'hard',
        source: 'smtp',
        diagnostic_code: unknownUser.diagnosticCode,
      }),
    ]);
    expect(after.suppressions).toEqual([
      expect.objectContaining({ address: 'gone@example.net', reason: 'hard-bounce', source: 'smtp' }),
    ]);
    const bouncedEvent = after.events.find((e) => e.type === 'delivery.bounced')!;
    expect(JSON.parse(bouncedEvent.data)).toMatchObject({
      deliveryId: gone.id,
      class: 'hard',
      reason: 'user-unknown',
      source: 'smtp',
      suppressed: 'hard-bounce',
    });
    expect(after.events.map((e) => e.type).sort()).toEqual(['delivery.bounced', 'delivery.sent']);
  });
});
