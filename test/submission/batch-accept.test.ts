/**
 * One intake batch (`acceptAll`, the submission port's group commit) writes all its accepted
 * messages together (`enqueueAll`): each message gets its own row and exactly its own deliveries,
 * a message refused by the plan's daily limit leaves nothing behind, and the others of the batch,
 * before and after it, of its org and of another, are queued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { AppError } from '../../src/domain/errors.js';
import { type Mailbox, parseMailbox } from '../../src/domain/mailbox.js';
import type { HandedDelivery } from '../../src/events.js';
import { acceptAll, type Submission } from '../../src/intake/submit.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { plansFile } from '../helpers/plans.js';
import { closedPort } from '../helpers/smtp-servers.js';

const mailbox = (s: string) => parseMailbox(s) as Mailbox;

/** A submission of `recipients`, those in `suppressed` recorded and not queued. */
function submission(subject: string, recipients: string[], suppressed: string[] = []): Submission {
  const from = mailbox('amelia@sakura.com');
  return {
    type: 'individual',
    from,
    content: { from: from.address, to: recipients, cc: [], subject, text: `Hello from ${subject}` },
    metadata: undefined,
    deliveries: recipients.map((r) => ({
      recipient: r,
      recipientDomain: mailbox(r).domain,
      ...(suppressed.includes(r) ? { status: 'suppressed' as const } : {}),
    })),
    size: 100,
  };
}

describe.each(dialects)('an intake batch written together on %s', (dialect) => {
  let t: TestApp;
  let orgA: Principal;
  let orgB: Principal;

  beforeAll(async () => {
    t = await startTestApp(dialect, {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLANS: plansFile({ name: 'small', dailyLimit: 5, maxDomains: 2, maxRelaysPerDomain: 1 }),
      MAILROUTE_DEFAULT_PLAN: 'small',
      // Nothing is delivered: the rows stay as the batch wrote them, apart from their status.
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${await closedPort()}`,
    });
    const db = t.app.ctx.store.db;
    const { id } = await db.selectFrom('orgs').select('id').executeTakeFirstOrThrow();
    await db
      .insertInto('orgs')
      .values({ id: 'org_b', name: 'B', plan: 'small', datacenter: 'jp', created_at: 0 })
      .execute();
    const actor = (orgId: string): Principal => ({
      kind: 'api_key',
      id: `key_${orgId}`,
      orgId,
      role: 'send',
      label: orgId,
    });
    orgA = actor(id);
    orgB = actor('org_b');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('queues each accepted message with exactly its deliveries, and nothing of the one over the limit', async () => {
    // Org A's plan allows 5 today: 2 + 4 do not fit together, so each is reserved alone, in order.
    const out = await acceptAll(t.app.ctx, [
      { actor: orgA, submission: submission('first', ['a1@example.net', 'a2@example.net']) },
      { actor: orgB, submission: submission('other org', ['b1@example.org']) },
      {
        actor: orgA,
        submission: submission('too many', [
          'c1@example.net',
          'c2@example.net',
          'c3@example.net',
          'c4@example.net',
        ]),
      },
      {
        actor: orgA,
        submission: submission(
          'last',
          ['d1@example.net', 'd2@example.net', 'gone@example.net'],
          ['gone@example.net'],
        ),
      },
    ]);
    expect(out).toHaveLength(4);
    const refused = out[2];
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('daily_limit_exceeded');
    expect((refused as AppError).message).toContain('3 remain today and this submission has 4');

    const db = t.app.ctx.store.db;
    const expected = [
      { i: 0, subject: 'first', org: orgA.orgId, recipients: ['a1@example.net', 'a2@example.net'] },
      { i: 1, subject: 'other org', org: 'org_b', recipients: ['b1@example.org'] },
      {
        i: 3,
        subject: 'last',
        org: orgA.orgId,
        recipients: ['d1@example.net', 'd2@example.net', 'gone@example.net'],
      },
    ];
    const ids = new Set<string>();
    for (const e of expected) {
      const accepted = out[e.i];
      if (!accepted || accepted instanceof AppError) throw new Error(`message ${e.i} was refused`);
      ids.add(accepted.messageId);
      const message = await db
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', accepted.messageId)
        .executeTakeFirstOrThrow();
      expect(message.subject).toBe(e.subject);
      expect(message.org_id).toBe(e.org);
      expect(message.recipient_count).toBe(e.recipients.length);
      expect(JSON.parse(message.content).text).toBe(`Hello from ${e.subject}`);
      const rows = await db
        .selectFrom('deliveries')
        .select(['id', 'recipient', 'org_id', 'status'])
        .where('message_id', '=', accepted.messageId)
        .execute();
      expect(rows.map((r) => r.recipient).sort()).toEqual(e.recipients);
      expect(rows.every((r) => r.org_id === e.org)).toBe(true);
      expect(accepted.deliveries.map((d) => d.id).sort()).toEqual(rows.map((r) => r.id).sort());
    }
    expect(ids.size).toBe(3);
    const gone = await db
      .selectFrom('deliveries')
      .select('status')
      .where('recipient', '=', 'gone@example.net')
      .executeTakeFirstOrThrow();
    expect(gone.status).toBe('suppressed');
    // Nothing of the refused message: no row, no delivery.
    expect(await db.selectFrom('messages').select('id').where('subject', '=', 'too many').execute()).toEqual(
      [],
    );
    expect(
      await db.selectFrom('deliveries').select('id').where('recipient', 'like', 'c%@example.net').execute(),
    ).toEqual([]);
    // The plan counts what was queued: 2 + 2 for org A (the suppressed one is not counted), 1 for B.
    const counts = await db
      .selectFrom('usage_counters')
      .select(['org_id', 'count'])
      .where('scope', '=', 'plan')
      .execute();
    expect(Object.fromEntries(counts.map((c) => [c.org_id, Number(c.count)]))).toEqual({
      [orgA.orgId]: 4,
      org_b: 1,
    });
  });

  it("hands the new deliveries to a worker of the process, except a disabled org's", async () => {
    const db = t.app.ctx.store.db;
    await db
      .updateTable('orgs')
      .set({ disabled_at: t.app.ctx.clock.now() })
      .where('id', '=', 'org_b')
      .execute();
    const handed: HandedDelivery[] = [];
    const withdraw = t.app.ctx.events.offerTaker({
      reserve: (n) => ({
        owner: 'test-taker',
        n,
        leaseMs: 60_000,
        start: (h) => handed.push(...h),
        cancel: () => {},
      }),
    });
    try {
      await acceptAll(t.app.ctx, [
        { actor: orgA, submission: submission('handed', ['h1@example.net']) },
        { actor: orgB, submission: submission('held', ['held@example.org']) },
      ]);
    } finally {
      withdraw();
    }
    expect(handed.map((h) => [h.delivery.recipient, h.message.subject])).toEqual([
      ['h1@example.net', 'handed'],
    ]);
    const rows = await db
      .selectFrom('deliveries')
      .select(['recipient', 'status', 'lease_owner'])
      .where('recipient', 'in', ['h1@example.net', 'held@example.org'])
      .orderBy('recipient')
      .execute();
    expect(rows).toEqual([
      { recipient: 'h1@example.net', status: 'sending', lease_owner: 'test-taker' },
      { recipient: 'held@example.org', status: 'queued', lease_owner: null },
    ]);
  });
});
