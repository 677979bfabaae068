import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

const signIn = async (t: TestApp, email: string, password: string) => {
  const res = await t.call('POST', '/api/auth/login', { email, password }, null);
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
};

describe.each(dialects)('own password change on %s', (dialect) => {
  let t: TestApp;
  const email = 'self@example.test';
  const first = 'first password 1';
  beforeAll(async () => {
    t = await startTestApp(dialect);
    const created = await t.call('POST', '/api/v1/users', {
      email,
      name: 'Self',
      role: 'member',
      password: first,
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('names the field that is wrong', async () => {
    const { cookie } = await signIn(t, email, first);
    const short = await t.call(
      'POST',
      '/api/auth/password',
      { currentPassword: first, newPassword: 'short' },
      null,
      {
        cookie,
      },
    );
    expect(short.status).toBe(400);
    expect(short.body.error.fields).toEqual({ newPassword: 'must be at least 8 characters' });
    const wrong = await t.call(
      'POST',
      '/api/auth/password',
      { currentPassword: 'not the password', newPassword: 'second password 2' },
      null,
      { cookie },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toEqual({ currentPassword: 'is not your current password' });
    // An API key is no console user: it has no password of its own to change.
    const byKey = await t.call('POST', '/api/auth/password', {
      currentPassword: first,
      newPassword: 'whatever 123',
    });
    expect(byKey.status).toBe(403);
    expect((await signIn(t, email, first)).status).toBe(200);
  });

  it('ends the other sessions and keeps the current one', async () => {
    const mine = await signIn(t, email, first);
    const other = await signIn(t, email, first);
    expect((await t.call('GET', '/api/auth/me', undefined, null, { cookie: other.cookie })).status).toBe(200);
    const second = 'second password 2';
    const changed = await t.call(
      'POST',
      '/api/auth/password',
      { currentPassword: first, newPassword: second },
      null,
      { cookie: mine.cookie },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.endedSessions).toBeGreaterThanOrEqual(1);
    expect((await t.call('GET', '/api/auth/me', undefined, null, { cookie: other.cookie })).status).toBe(401);
    const me = await t.call('GET', '/api/auth/me', undefined, null, { cookie: mine.cookie });
    expect(me.status).toBe(200);
    expect(me.body.label).toBe(email);
    expect((await signIn(t, email, first)).status).toBe(401);
    expect((await signIn(t, email, second)).status).toBe(200);
    const audit = (await t.call('GET', '/api/v1/audit-log?limit=100')).body.items.filter(
      (e: { action: string }) => e.action === 'user.password_change',
    );
    expect(audit).toHaveLength(1);
    const everything = JSON.stringify(audit) + t.logs.join('');
    expect(everything).not.toContain(first);
    expect(everything).not.toContain(second);
  });

  it('holds back guesses of the current password like failed sign-ins', async () => {
    const guesser = 'guessed@example.test';
    const password = 'guessed password 1';
    await t.call('POST', '/api/v1/users', { email: guesser, name: 'G', role: 'member', password });
    const { cookie } = await signIn(t, guesser, password);
    const guess = (currentPassword: string) =>
      t.call('POST', '/api/auth/password', { currentPassword, newPassword: 'new password 99' }, null, {
        cookie,
      });
    for (let i = 0; i < 5; i++) expect((await guess(`guess ${i}`)).status).toBe(400);
    const held = await guess(password);
    expect(held.status).toBe(429);
    expect(held.body.error.retryAfterSeconds).toBe(15);
    t.clock.advance(15_000);
    expect((await guess(password)).status).toBe(200);
    expect(JSON.stringify(t.logs)).not.toContain('guess 0');
  });
});
