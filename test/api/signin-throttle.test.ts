import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

const PASSWORD = 'the right password 1';

describe.each(dialects)('sign-in throttle on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { MAILROUTE_SIGNIN_MAX_WAIT_SECONDS: '40' });
  });
  afterAll(async () => {
    await t.close();
  });

  const user = async (email: string) => {
    const res = await t.call('POST', '/api/v1/users', {
      email,
      name: 'u',
      role: 'member',
      password: PASSWORD,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  /** Signs in from a loopback address of the caller's choice (the server sees it as the client's). */
  const signIn = (from: string, email: string, password: string) =>
    new Promise<{ status: number; body: any; retryAfter: string | undefined }>((resolve, reject) => {
      const u = new URL(`${t.url}/api/auth/login`);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          localAddress: from,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              body: JSON.parse(text),
              retryAfter: res.headers['retry-after'] as string | undefined,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ email, password }));
    });
  const failTimes = async (n: number, from: string, email: string) => {
    for (let i = 0; i < n; i++) expect((await signIn(from, email, `wrong ${i}`)).status).toBe(401);
  };

  it('makes an account wait after 5 failures, even with the right password, with 429 and Retry-After', async () => {
    await user('ann@example.test');
    await failTimes(5, '127.0.0.2', 'ann@example.test');
    const refused = await signIn('127.0.0.2', 'Ann@example.test', PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('15');
    expect(refused.body.error).toEqual({
      code: 'rate_limited',
      message: 'too many failed sign-ins; try again in 15 seconds',
      retryAfterSeconds: 15,
    });
    const failure = t.logs.find((l) => l.includes('auth.login_failed') && l.includes('ann@example.test'));
    expect(failure).toContain('"address":"127.0.0.2"');
    expect(t.logs.join('')).not.toContain('wrong 0');

    t.clock.advance(15_000);
    expect((await signIn('127.0.0.2', 'ann@example.test', PASSWORD)).status).toBe(200);
    // The success cleared the account's count: four more failures hold nobody back.
    await failTimes(4, '127.0.0.2', 'ann@example.test');
    expect((await signIn('127.0.0.2', 'ann@example.test', PASSWORD)).status).toBe(200);
  });

  it('doubles the wait with each further failure, up to the maximum', async () => {
    await user('bob@example.test');
    await failTimes(5, '127.0.0.3', 'bob@example.test');
    const waits: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await signIn('127.0.0.3', 'bob@example.test', 'wrong again');
      expect(r.status).toBe(429);
      waits.push(r.retryAfter);
      t.clock.advance(Number(r.retryAfter) * 1000);
      expect((await signIn('127.0.0.3', 'bob@example.test', 'wrong again')).status).toBe(401);
    }
    expect(waits).toEqual(['15', '30', '40']);
  });

  it('does not keep a user out of an address they signed in from, whatever fails elsewhere or there', async () => {
    await user('cat@example.test');
    expect((await signIn('127.0.0.4', 'cat@example.test', PASSWORD)).status).toBe(200);
    await failTimes(5, '127.0.0.5', 'cat@example.test');
    expect((await signIn('127.0.0.5', 'cat@example.test', PASSWORD)).status).toBe(429);
    expect((await signIn('127.0.0.6', 'cat@example.test', PASSWORD)).status).toBe(429);
    expect((await signIn('127.0.0.4', 'cat@example.test', PASSWORD)).status).toBe(200);
    // Nor when others behind the same address (a proxy, a NAT) make the address itself wait.
    for (let i = 0; i < 20; i++)
      expect((await signIn('127.0.0.4', `guess${i}@example.test`, 'guess')).status).toBe(401);
    expect((await signIn('127.0.0.4', 'nobody@example.test', 'guess')).status).toBe(429);
    expect((await signIn('127.0.0.4', 'cat@example.test', PASSWORD)).status).toBe(200);
    // Guessing the account's password from that address still waits, on the pair's own count.
    await failTimes(5, '127.0.0.4', 'cat@example.test');
    expect((await signIn('127.0.0.4', 'cat@example.test', PASSWORD)).status).toBe(429);
  });

  it('makes an address wait after 20 failures on any accounts', async () => {
    await user('dan@example.test');
    for (let i = 0; i < 20; i++)
      expect((await signIn('127.0.0.7', `nobody${i}@example.test`, 'guess')).status).toBe(401);
    const r = await signIn('127.0.0.7', 'dan@example.test', PASSWORD);
    expect(r.status).toBe(429);
    expect(r.retryAfter).toBe('15');
    expect((await signIn('127.0.0.8', 'dan@example.test', PASSWORD)).status).toBe(200);
  });

  it('deletes counters a day after their last failure, so guessed names do not pile up', async () => {
    const rows = (key: string) =>
      t.app.ctx.store.db.selectFrom('signin_failures').select('scope').where('key', '=', key).execute();
    await failTimes(1, '127.0.0.9', 'eve@example.test');
    expect(await rows('eve@example.test')).toHaveLength(1);
    t.clock.advance(86_400_000);
    await failTimes(1, '127.0.0.10', 'someone@example.test');
    expect(await rows('eve@example.test')).toHaveLength(0);
    expect(await rows('someone@example.test')).toHaveLength(1);
  });
});
