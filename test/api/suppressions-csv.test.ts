/**
 * Suppression scopes and CSV through the API (issue 17): import with reasons and scopes, all or
 * nothing; export, filtered by scope or reason; a `mass` entry does not refuse individual mail, an
 * `all` entry does; admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('suppression CSV on %s', (dialect) => {
  let t: TestApp;
  let memberKey: string;

  beforeAll(async () => {
    t = await startTestApp(dialect, { MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    memberKey = (await t.call('POST', '/api/v1/api-keys', { name: 'sender', role: 'send' })).body.key;
  });
  afterAll(async () => {
    await t?.close();
  });

  const list = async (q = '') => (await t.call('GET', `/api/v1/suppressions${q}`)).body.items;

  it('refuses a CSV with a bad line whole, naming the line', async () => {
    const res = await t.call('POST', '/api/v1/suppressions/import', {
      csv: 'address,reason\r\nok@example.net,manual\r\nnot-an-address,manual\r\n',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.csv).toMatch(/^line 3: /);
    const badReason = await t.call('POST', '/api/v1/suppressions/import', {
      csv: 'address,reason\nok@example.net,bored\n',
    });
    expect(badReason.body.error.fields.csv).toMatch(/^line 2: reason must be/);
    const noHeader = await t.call('POST', '/api/v1/suppressions/import', { csv: 'ok@example.net\n' });
    expect(noHeader.body.error.fields.csv).toMatch(/address/);
    expect(await list()).toEqual([]);
  });

  it('imports, then exports by scope and reason, and only admins may (a send key may not)', async () => {
    const csv = [
      'Address,Reason,Scope',
      'Left@Example.net,unsubscribe,',
      'gone@example.net,hard-bounce,',
      '"friend@example.net",,',
      'left@example.net,unsubscribe,',
    ].join('\n');
    expect((await t.call('POST', '/api/v1/suppressions/import', { csv }, memberKey)).status).toBe(403);
    const res = await t.call('POST', '/api/v1/suppressions/import', { csv });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ added: 3, unchanged: 1 });
    expect((await list('?scope=mass')).map((s: { address: string }) => s.address)).toEqual([
      'left@example.net',
    ]);
    expect((await list('?scope=all&reason=manual')).map((s: { address: string }) => s.address)).toEqual([
      'friend@example.net',
    ]);

    expect((await t.call('GET', '/api/v1/suppressions/export.csv', undefined, memberKey)).status).toBe(403);
    const exported = await fetch(`${t.url}/api/v1/suppressions/export.csv`, {
      headers: { authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(await exported.text());
    expect(rows[0]).toEqual(['address', 'reason', 'scope', 'source', 'created_at']);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([
      ['friend@example.net', 'manual', 'all'],
      ['gone@example.net', 'hard-bounce', 'all'],
      ['left@example.net', 'unsubscribe', 'mass'],
    ]);
    const massOnly = await fetch(`${t.url}/api/v1/suppressions/export.csv?scope=mass`, {
      headers: { authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(parseCsv(await massOnly.text())).toHaveLength(2);
  });

  it('lets individual mail reach a mass-only address and refuses an all-scope one; all widens mass', async () => {
    const send = (to: string) =>
      t.call('POST', '/api/v1/messages', {
        type: 'individual',
        from: 'amelia@sakura.com',
        to: [to],
        subject: 'Receipt',
        text: 'Thanks',
      });
    expect((await send('left@example.net')).status).toBe(202);
    const refused = await send('gone@example.net');
    expect(refused.status).toBe(409);
    expect(refused.body.error.fields['to.0']).toMatch(/hard-bounce/);
    // An all-scope entry for an unsubscribed address widens it.
    const widened = await t.call('POST', '/api/v1/suppressions', { address: 'left@example.net' });
    expect(widened.status).toBe(201);
    expect(await list('?address=left@example.net')).toEqual([
      expect.objectContaining({ scope: 'all', reason: 'manual' }),
    ]);
    expect((await send('left@example.net')).status).toBe(409);
  });
});
