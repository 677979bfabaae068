/**
 * The kind of return path each delivery left with (`deliveries.return_path_kind`): written with the
 * `sent` transition from the route's bounce handling, and filled in by migration 0008 for mail sent
 * before it, from the relay's bounce handling at that time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as m0008 from '../../src/store/migrations/0008-delivery-return-path.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { sendOneSettled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

describe.each(dialects)('return path kind of deliveries on %s', (dialect) => {
  let t: TestApp;
  let relay: TestSmtpServer;

  beforeAll(async () => {
    relay = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DOMAIN_VERIFICATION: 'off' });
  });
  afterAll(async () => {
    await t.close();
    await relay.close();
  });

  const kinds = async () =>
    Object.fromEntries(
      (
        await t.app.ctx.store.db.selectFrom('deliveries').select(['recipient', 'return_path_kind']).execute()
      ).map((d) => [d.recipient, d.return_path_kind]),
    );

  it('is recorded when a delivery is sent, and filled in by the migration for older mail', async () => {
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const add = async (type: string, bounceHandling: unknown) => {
      const res = await t.call('POST', '/api/v1/relays', {
        name: type,
        host: '127.0.0.1',
        port: relay.port,
        security: 'none',
        dailyLimit: 100,
        domainId,
        emailTypes: [type],
        bounceHandling,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    await add('workflow', { mode: 'platform', fixedReturnPath: true });
    await add('individual', { mode: 'address', address: 'bounce@sakura.com' });
    expect((await sendOneSettled(t, 'a@example.net', 'workflow')).status).toBe('sent');
    expect((await sendOneSettled(t, 'b@example.net', 'individual')).status).toBe('sent');
    const recorded = { 'a@example.net': 'catchall', 'b@example.net': 'address' };
    expect(await kinds()).toEqual(recorded);

    await m0008.down(t.app.ctx.store.db);
    await m0008.up(t.app.ctx.store.db);
    expect(await kinds()).toEqual(recorded);
  });
});
