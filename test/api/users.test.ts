import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, startTestApp, type TestApp, userSession } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('users API on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('adds a member who can read but not change', async () => {
    const cookie = await userSession(t, 'member', 'Member@Example.test');
    expect((await t.call('GET', '/api/v1/settings', undefined, null, { cookie })).status).toBe(200);
    const refused = await t.call('PATCH', '/api/v1/settings', { relayFallback: 'retry' }, null, { cookie });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('"member"');
    expect((await t.call('GET', '/api/v1/users', undefined, null, { cookie })).status).toBe(403);
    const users = (await t.call('GET', '/api/v1/users')).body.items;
    expect(users.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([
      [ADMIN_EMAIL, 'admin'],
      ['member@example.test', 'member'],
    ]);
    expect(JSON.stringify(users)).not.toContain('scrypt');
  });

  it('validates new users and refuses a taken email', async () => {
    const bad = await t.call('POST', '/api/v1/users', {
      email: 'x',
      name: '',
      role: 'owner',
      password: 'short',
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['email', 'name', 'password', 'role']);
    const dup = await t.call('POST', '/api/v1/users', {
      email: ADMIN_EMAIL,
      name: 'x',
      role: 'member',
      password: 'long enough',
    });
    expect(dup.status).toBe(409);
  });

  it('keeps at least one admin', async () => {
    const admin = (await t.call('GET', '/api/v1/users')).body.items.find(
      (u: { email: string }) => u.email === ADMIN_EMAIL,
    );
    const demote = await t.call('PATCH', `/api/v1/users/${admin.id}`, { role: 'member' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toBe('the org must keep at least one admin user');
    expect((await t.call('DELETE', `/api/v1/users/${admin.id}`)).status).toBe(409);
  });

  it('ends sessions when a password changes, and removes users', async () => {
    const cookie = await userSession(t, 'member', 'change@example.test');
    const user = (await t.call('GET', '/api/v1/users')).body.items.find(
      (u: { email: string }) => u.email === 'change@example.test',
    );
    expect((await t.call('PATCH', `/api/v1/users/${user.id}`, { password: 'a new password' })).status).toBe(
      200,
    );
    expect((await t.call('GET', '/api/v1/settings', undefined, null, { cookie })).status).toBe(401);
    const promoted = await t.call('PATCH', `/api/v1/users/${user.id}`, { role: 'admin' });
    expect(promoted.body.role).toBe('admin');
    expect((await t.call('DELETE', `/api/v1/users/${user.id}`)).status).toBe(204);
    const audit = (await t.call('GET', '/api/v1/audit-log?limit=100')).body.items.filter(
      (e: { target: { id: string } }) => e.target.id === user.id,
    );
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      'user.delete',
      'user.update',
      'user.update',
      'user.create',
    ]);
    expect(JSON.stringify(audit)).not.toContain('a new password');
  });
});
