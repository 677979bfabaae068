import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

/**
 * Route choice end to end (SPEC R9), with one loopback SMTP server per relay so that what each
 * relay was asked to do is counted on its own server: priority order, round robin among equal
 * priorities, disabled and suspended relays never contacted, and a failing relay followed by the
 * next relay before platform delivery.
 */
describe.each(dialects)('the order relays are tried in, on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  const servers: Record<string, TestSmtpServer> = {};
  const ids: Record<string, string> = {};
  const names = ['suspended', 'disabled', 'first', 'second', 'failing', 'backup'] as const;
  type Name = (typeof names)[number];

  beforeAll(async () => {
    platform = await startSmtpServer({ mode: 'plain' });
    for (const name of names)
      servers[name] = await startSmtpServer(
        name === 'failing'
          ? {
              mode: 'plain',
              refuseRecipient: { pattern: /./, code: 451, message: '4.3.0 Temporary failure, try later' },
            }
          : { mode: 'plain' },
      );
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_PLANS: plansFile({ name: 'six', dailyLimit: 1000, maxDomains: 1, maxRelaysPerDomain: 6 }),
      MAILROUTE_DEFAULT_PLAN: 'six',
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const priority: Record<Name, number> = {
      suspended: 1,
      disabled: 1,
      first: 2,
      second: 2,
      failing: 3,
      backup: 4,
    };
    for (const name of names) {
      const res = await t.call('POST', '/api/v1/relays', {
        name,
        host: '127.0.0.1',
        port: servers[name]!.port,
        security: 'none',
        dailyLimit: 100,
        priority: priority[name],
        domainId,
        emailTypes: ['workflow'],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[name] = res.body.id;
    }
    expect((await t.call('POST', `/api/v1/relays/${ids.disabled}/disable`)).status).toBe(200);
    // Suspended as the breaker leaves a relay: until later than now.
    await t.app.ctx.store.db
      .updateTable('relays')
      .set({ suspended_until: t.clock.now() + 3_600_000, failure_count: 3 })
      .where('id', '=', ids.suspended!)
      .execute();
    expect((await t.call('GET', `/api/v1/relays/${ids.suspended}`)).body.status).toBe('suspended');
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
    for (const s of Object.values(servers)) await s.close();
  });

  /** The route reasons of the last delivery sent: code (and parameters) by relay name, in order. */
  let reasons: { route: string; because?: string; relays: Record<string, unknown>[] } | undefined;
  const byName = () =>
    reasons!.relays.map(
      ({ relay: _id, name, ...rest }) => ({ [name as string]: rest }) as Record<string, unknown>,
    );
  const suspended = () => ({
    suspended: { code: 'suspended', until: new Date(t.clock.now() + 3_600_000).toISOString() },
  });
  const off = (...which: string[]) => which.map((name) => ({ [name]: { code: 'disabled' } }));

  /** Sends one workflow email and waits for it; returns the names of its routes, attempt by attempt. */
  const sendOne = async (to: string) => {
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'ops@sakura.com',
      to: [to],
      subject: 'order',
      text: 'x',
    });
    expect(res.status).toBe(202);
    const d = (await settled(t, res.body.id)).deliveries[0];
    expect(d.status).toBe('sent');
    reasons = d.routeReasons;
    return d.attempts.map((a: { action: string; routeName: string }) => `${a.action}@${a.routeName}`);
  };
  const untouched = () => {
    for (const name of ['suspended', 'disabled'] as const) {
      expect(servers[name]!.connections(), `${name} relay connections`).toBe(0);
      expect(servers[name]!.received.rcptTo, `${name} relay recipients`).toEqual([]);
    }
  };

  it('takes the lowest usable priority, round robin between equals, never the disabled or suspended relay', async () => {
    const routes: string[][] = [];
    const said: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      routes.push(await sendOne(`rr${i}@example.net`));
      said.push(byName());
    }
    // Among equals, the relay with the lower id takes the first turn.
    const [lo, hi] =
      ids.first! < ids.second! ? (['first', 'second'] as const) : (['second', 'first'] as const);
    // The relay that took it, the candidates it left unreached in order, then those passed over.
    const notReached = (...which: string[]) => which.map((name) => ({ [name]: { code: 'not_reached' } }));
    const passed = expect.arrayContaining([suspended(), ...off('disabled')]);
    expect(reasons!.route).toBe('relay');
    for (const [i, [took, other]] of [
      [lo, hi],
      [hi, lo],
      [lo, hi],
      [hi, lo],
    ].entries()) {
      const relays = said[i] as unknown[];
      expect(relays.slice(0, 4)).toEqual([
        { [took!]: { code: 'sent' } },
        ...notReached(other!, 'failing', 'backup'),
      ]);
      expect(relays.slice(4)).toEqual(passed);
      expect(relays).toHaveLength(6);
    }
    expect(routes).toEqual([[`sent@${lo}`], [`sent@${hi}`], [`sent@${lo}`], [`sent@${hi}`]]);
    expect(servers[lo]!.received.rcptTo).toEqual(['rr0@example.net', 'rr2@example.net']);
    expect(servers[hi]!.received.rcptTo).toEqual(['rr1@example.net', 'rr3@example.net']);
    expect(servers.failing!.connections()).toBe(0);
    expect(servers.backup!.connections()).toBe(0);
    expect(platform.received.rcptTo).not.toContain('rr0@example.net');
    untouched();
  });

  it('tries the next relay after a failing one, and the platform only once no relay is left', async () => {
    for (const name of ['first', 'second'] as const)
      expect((await t.call('POST', `/api/v1/relays/${ids[name]}/disable`)).status).toBe(200);
    expect(await sendOne('next@example.net')).toEqual(['fallback@failing', 'sent@backup']);
    const failed = { failing: { code: 'failed', status: '4.3.0', rule: 'reply.4xx' } };
    expect(reasons!.route).toBe('relay');
    expect(byName().slice(0, 2)).toEqual([failed, { backup: { code: 'sent' } }]);
    expect(byName().slice(2)).toEqual(
      expect.arrayContaining([suspended(), ...off('disabled', 'first', 'second')]),
    );
    expect(servers.backup!.received.rcptTo).toEqual(['next@example.net']);
    expect(platform.received.rcptTo).not.toContain('next@example.net');

    expect((await t.call('POST', `/api/v1/relays/${ids.backup}/disable`)).status).toBe(200);
    expect(await sendOne('last@example.net')).toEqual(['fallback@failing', 'sent@platform']);
    // Sent by the platform because no relay could take it: each relay says why.
    expect(reasons).toMatchObject({ route: 'platform', because: 'none_could_take' });
    expect(byName()[0]).toEqual(failed);
    expect(byName().slice(1)).toEqual(
      expect.arrayContaining([suspended(), ...off('disabled', 'first', 'second', 'backup')]),
    );
    expect(byName()).toHaveLength(6);
    expect(platform.received.rcptTo).toContain('last@example.net');
    expect(servers.failing!.received.rcptTo).toEqual(['next@example.net', 'last@example.net']);
    untouched();
  });
});
