import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, userSession } from '../helpers/app.js';
import { tokyoMidnightAfterNoon } from '../helpers/clock.js';
import { dialects } from '../helpers/databases.js';
import { plansFile } from '../helpers/plans.js';
import { closedPort } from '../helpers/smtp-servers.js';

describe.each(dialects)('submission on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLANS: plansFile({ name: 'small', dailyLimit: 5, maxDomains: 2, maxRelaysPerDomain: 1 }),
      MAILROUTE_DEFAULT_PLAN: 'small',
      MAILROUTE_MAX_MESSAGE_BYTES: '4096',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${await closedPort()}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t.close();
  });

  const base = {
    type: 'individual',
    from: 'amelia@sakura.com',
    to: ['x@example.net'],
    subject: 'Hi',
    text: 'Hello',
  };
  const messageCount = async () =>
    Number(
      (
        await t.app.ctx.store.db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it.each([
    [
      'a subject with a line break (header injection)',
      { subject: 'Hi\r\nBcc: victim@example.net' },
      'subject',
      'must not contain line breaks or control characters',
    ],
    [
      'a display name with a line break',
      { to: ['"Eve\nBcc: v@example.net" <eve@example.net>'] },
      'to.0',
      'must not contain line breaks or control characters',
    ],
    ['an invalid address', { to: ['not-an-address'] }, 'to.0', 'must be an email address'],
    ['an address without a valid domain', { to: ['a@b'] }, 'to.0', 'must be an email address'],
    ['no recipient', { to: [] }, 'to', 'must name at least one recipient'],
    ['neither text nor html', { text: undefined }, 'text', 'give text or html'],
    ['an unknown email type', { type: 'newsletter' }, 'type', 'must be "workflow", "mass" or "individual"'],
    [
      'a custom header that is not X-',
      { headers: { Bcc: 'v@example.net' } },
      'headers.Bcc',
      expect.stringContaining('X-'),
    ],
    [
      'a custom header value with a line break',
      { headers: { 'X-Campaign': 'a\r\nBcc: v@example.net' } },
      'headers.X-Campaign',
      'must not contain line breaks or control characters',
    ],
    [
      'an attachment that is not base64',
      { attachments: [{ filename: 'a.txt', content: '***' }] },
      'attachments.0.content',
      'must be base64',
    ],
    [
      'a From on a domain the org does not have',
      { from: 'ceo@other.example' },
      'from',
      'other.example is not a domain of this org; add and verify it first',
    ],
  ])('refuses %s with 400 naming the field, and queues nothing', async (_what, over, field, message) => {
    const before = await messageCount();
    const res = await t.call('POST', '/api/v1/messages', { ...base, ...over });
    expect(res.status).toBe(400);
    expect(res.body.error.fields[field]).toEqual(message);
    expect(await messageCount()).toBe(before);
  });

  it('refuses an oversized message with 413 naming the limit', async () => {
    const res = await t.call('POST', '/api/v1/messages', { ...base, text: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toContain('MAILROUTE_MAX_MESSAGE_BYTES');
  });

  it('accepts a message with one delivery per distinct recipient (to, cc, bcc)', async () => {
    const res = await t.call('POST', '/api/v1/messages', {
      ...base,
      to: ['A <a@example.net>', 'b@example.net'],
      cc: ['a@example.net'],
      bcc: ['c@example.net'],
    });
    expect(res.status).toBe(202);
    expect(
      res.body.deliveries.map((d: { recipient: string; status: string }) => `${d.recipient}:${d.status}`),
    ).toEqual(['a@example.net:queued', 'b@example.net:queued', 'c@example.net:queued']);
  });

  it('refuses a submission that does not fit in what is left of the plan today, whole, with 429, remaining and the reset time', async () => {
    const before = await messageCount();
    const res = await t.call('POST', '/api/v1/messages', {
      ...base,
      to: ['1@example.net', '2@example.net', '3@example.net'],
    });
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({
      code: 'daily_limit_exceeded',
      remaining: 2,
      limit: 5,
      resetAt: tokyoMidnightAfterNoon(t.clock.now()),
    });
    expect(await messageCount()).toBe(before);
    const mass = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'x',
      text: 'y',
      recipients: [{ address: '1@example.net' }, { address: '2@example.net' }, { address: '3@example.net' }],
    });
    expect(mass.status).toBe(429);
    const fits = await t.call('POST', '/api/v1/messages', {
      ...base,
      to: ['1@example.net', '2@example.net'],
    });
    expect(fits.status).toBe(202);
    expect((await t.call('POST', '/api/v1/messages', base)).body.error.remaining).toBe(0);
  });

  it("starts a new count on the next day in the org's time zone", async () => {
    t.clock.advance(12 * 3_600_000);
    try {
      expect((await t.call('POST', '/api/v1/messages', base)).status).toBe(202);
    } finally {
      t.clock.advance(-12 * 3_600_000);
    }
  });

  it('lets send keys submit and members not', async () => {
    const key = (await t.call('POST', '/api/v1/api-keys', { name: 'crm', role: 'send' })).body.key;
    const member = await userSession(t, 'member');
    expect((await t.call('POST', '/api/v1/messages', base, key)).status).not.toBe(403);
    expect((await t.call('POST', '/api/v1/messages', base, null, { cookie: member })).status).toBe(403);
  });
});

describe('From domains that are not verified', () => {
  it('are refused until their TXT record is found', async () => {
    const t = await startTestApp('sqlite');
    try {
      await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
      const res = await t.call('POST', '/api/v1/messages', {
        type: 'workflow',
        from: 'a@sakura.com',
        to: ['x@example.net'],
        subject: 's',
        text: 't',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.fields.from).toBe(
        'sakura.com is not verified yet; publish its TXT record and verify it',
      );
    } finally {
      await t.close();
    }
  });
});
