import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor } from '../../src/credentials/oauth-tokens.js';
import { relayRow } from '../../src/services/relays.js';
import { ADMIN_EMAIL, startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { type FakeProvider, startFakeProvider } from '../helpers/oauth-provider.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe.each(dialects)('OAuth2 sign-in of relays on %s', (dialect) => {
  let t: TestApp;
  let provider: FakeProvider;
  let platform: TestSmtpServer;
  let receiver: WebhookReceiver;
  let relayId: string;
  let orgId: string;

  beforeAll(async () => {
    provider = await startFakeProvider('client-1', 'client-secret-1');
    platform = await startSmtpServer({ mode: 'plain' });
    receiver = await startWebhookReceiver();
    t = await startTestApp(dialect, {
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_PUBLIC_URL: 'https://mail.example.test',
      MAILROUTE_OAUTH_GMAIL_CLIENT_ID: 'client-1',
      MAILROUTE_OAUTH_GMAIL_CLIENT_SECRET: 'client-secret-1',
      MAILROUTE_OAUTH_GMAIL_AUTH_URL: provider.authUrl,
      MAILROUTE_OAUTH_GMAIL_TOKEN_URL: provider.tokenUrl,
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const relay = await t.call('POST', '/api/v1/relays', {
      name: 'gmail',
      host: 'smtp.gmail.com',
      port: 587,
      security: 'tls',
      dailyLimit: 100,
      domainId,
      emailTypes: ['individual'],
      authentication: { type: 'oauth2', service: 'gmail', user: 'crm@sakura.com' },
    });
    relayId = relay.body.id;
    orgId = (await t.call('GET', '/api/auth/me')).body.orgId;
    expect(relay.body.authentication).toEqual({
      type: 'oauth2',
      service: 'gmail',
      user: 'crm@sakura.com',
      connected: false,
      status: 'pending',
    });
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
    await platform.close();
    await receiver.close();
  });

  const callback = (q: Record<string, string>) =>
    fetch(`${t.url}/api/v1/oauth/callback?${new URLSearchParams(q)}`, { redirect: 'manual' });

  it('starts with the provider URL carrying the client, the callback, the scope, PKCE and a state', async () => {
    const res = await t.call('POST', `/api/v1/relays/${relayId}/oauth/start`);
    expect(res.status).toBe(200);
    const u = new URL(res.body.url);
    expect(u.origin + u.pathname).toBe(provider.authUrl);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://mail.example.test/api/v1/oauth/callback',
      scope: 'https://mail.google.com/',
      code_challenge_method: 'S256',
      login_hint: 'crm@sakura.com',
    });
    expect(u.searchParams.get('state')).toHaveLength(43);
  });

  it('stores the tokens encrypted when the provider sends the browser back, then returns it to the console', async () => {
    const { code, state } = provider.consent(
      (await t.call('POST', `/api/v1/relays/${relayId}/oauth/start`)).body.url,
    );
    const res = await callback({ code, state });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`https://mail.example.test/relays/${relayId}?oauth=connected`);
    const view = (await t.call('GET', `/api/v1/relays/${relayId}`)).body;
    expect(view.authentication).toMatchObject({ connected: true, status: 'connected' });
    const row = await relayRow(t.app.ctx, orgId, relayId);
    expect(row.oauth_refresh_token_enc).toMatch(/^mr1\./);
    expect(row.oauth_access_token_enc).toMatch(/^mr1\./);
    const everything = JSON.stringify([
      view,
      (await t.call('GET', '/api/v1/audit-log?limit=100')).body,
      t.logs,
    ]);
    for (const token of provider.accessTokens) expect(everything).not.toContain(token);
    expect(everything).not.toContain('rt-');

    const replay = await callback({ code, state });
    expect(replay.headers.get('location')).toMatch(
      /\/relays\?oauth=failed&reason=this%20sign-in%20link%20is%20unknown%20or%20expired/,
    );
  });

  it('uses the access token until a minute before it expires, then refreshes and keeps the rotated refresh token', async () => {
    const first = await accessTokenFor(t.app.ctx, await relayRow(t.app.ctx, orgId, relayId));
    expect(first).toBe(provider.accessTokens.at(-1));
    const grantsBefore = provider.grants.length;
    expect(await accessTokenFor(t.app.ctx, await relayRow(t.app.ctx, orgId, relayId))).toBe(first);
    expect(provider.grants.length).toBe(grantsBefore);

    t.clock.advance(3600_000 - 30_000);
    const second = await accessTokenFor(t.app.ctx, await relayRow(t.app.ctx, orgId, relayId));
    expect(second).not.toBe(first);
    expect(provider.grants.at(-1)?.grant_type).toBe('refresh_token');
    t.clock.advance(3600_000);
    const third = await accessTokenFor(t.app.ctx, await relayRow(t.app.ctx, orgId, relayId));
    expect(third).not.toBe(second);
    expect(provider.grants.at(-1)?.refresh_token).not.toBe(provider.grants.at(-2)?.refresh_token);
  });

  /** What the admins were told of lost consents so far: notifications, events and queued emails. */
  const reauthNotices = async () => {
    const db = t.app.ctx.store.db;
    const notifications = (await t.call('GET', '/api/v1/notifications')).body.items.filter(
      (n: { kind: string }) => n.kind === 'relay.oauth_reauth',
    );
    const events = await db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'relay.oauth_reauth')
      .execute();
    const mails = await db
      .selectFrom('messages')
      .select(['subject', 'content'])
      .where('type', '=', 'system')
      .where('metadata', 'like', '%relay.oauth_reauth%')
      .execute();
    return { notifications, events, mails };
  };
  const adminMailsReceived = async () => {
    const mails = await Promise.all(platform.received.messages.map((m) => simpleParser(m)));
    return mails.filter((m) => m.subject?.includes('needs a new sign-in'));
  };

  it('marks the relay for a new sign-in when the provider refuses the refresh token, and tells the admins once', async () => {
    const hook = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: receiver.url('/reauth'),
      events: ['relay.oauth_reauth'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    provider.refuseRefresh = true;
    t.clock.advance(2 * 3600_000);
    // Read before the refusal, as a second worker holding the relay at the same time would have it.
    const before = await relayRow(t.app.ctx, orgId, relayId);
    await expect(accessTokenFor(t.app.ctx, before)).rejects.toThrow(/sign in again/);
    expect((await t.call('GET', `/api/v1/relays/${relayId}`)).body.authentication).toMatchObject({
      connected: false,
      status: 'reauth_required',
    });

    const told = await reauthNotices();
    expect(told.notifications).toHaveLength(1);
    const data = {
      relayId,
      relayName: 'gmail',
      host: 'smtp.gmail.com',
      service: 'gmail',
      user: 'crm@sakura.com',
      reason: 'invalid_grant: Token has been expired or revoked.',
    };
    expect(told.notifications[0].data).toEqual(data);
    expect(told.events.map((e) => JSON.parse(e.data))).toEqual([data]);
    expect(told.mails).toHaveLength(1);
    expect(JSON.parse(told.mails[0]!.content).to).toEqual([ADMIN_EMAIL]);

    const mail = await until(async () => (await adminMailsReceived())[0], 10_000, 'the admin email');
    expect(mail.to).toMatchObject({ text: ADMIN_EMAIL });
    expect(mail.subject).toBe(
      '[mailroute] リレーサーバー「gmail」に再度ログインしてください / Relay "gmail" needs a new sign-in',
    );
    expect(mail.text).toContain(`Google でログインしてください: https://mail.example.test/relays/${relayId}`);
    expect(mail.text).toContain(`sign in with Google: https://mail.example.test/relays/${relayId}`);
    const webhook = await until(
      async () => receiver.received.find((r) => r.path === '/reauth'),
      10_000,
      'the relay.oauth_reauth webhook',
    );
    expect(webhook.headers['x-mailroute-event']).toBe('relay.oauth_reauth');
    expect(JSON.parse(webhook.body).data).toEqual(data);

    // A moment later the provider refuses the same token again (the other worker's refresh): nothing new.
    t.clock.advance(1000);
    const grants = provider.grants.length;
    await expect(accessTokenFor(t.app.ctx, before)).rejects.toThrow(/sign in again/);
    expect(provider.grants.length).toBe(grants + 1);
    // And a relay already marked does not even ask the provider.
    await expect(accessTokenFor(t.app.ctx, await relayRow(t.app.ctx, orgId, relayId))).rejects.toThrow(
      /needs its OAuth sign-in again/,
    );
    const again = await reauthNotices();
    expect([again.notifications.length, again.events.length, again.mails.length]).toEqual([1, 1, 1]);
    const audit = (await t.call('GET', '/api/v1/audit-log?action=relay.oauth_reauth_required')).body.items;
    expect(audit).toHaveLength(1);
    provider.refuseRefresh = false;
    await t.call('DELETE', `/api/v1/webhooks/endpoints/${hook.body.id}`);
  });

  it('tells the admins again when consent given anew is lost again', async () => {
    const { code, state } = provider.consent(
      (await t.call('POST', `/api/v1/relays/${relayId}/oauth/start`)).body.url,
    );
    expect((await callback({ code, state })).headers.get('location')).toContain('oauth=connected');
    provider.refuseRefresh = true;
    t.clock.advance(2 * 3600_000);
    await expect(accessTokenFor(t.app.ctx, await relayRow(t.app.ctx, orgId, relayId))).rejects.toThrow(
      /sign in again/,
    );
    const told = await reauthNotices();
    expect([told.notifications.length, told.events.length, told.mails.length]).toEqual([2, 2, 2]);
    await until(async () => (await adminMailsReceived()).length === 2, 10_000, 'the second admin email');
    provider.refuseRefresh = false;
  });

  it('refuses a forged state and a refused consent, changing nothing', async () => {
    const forged = await callback({ code: 'x', state: 'forged-state' });
    expect(forged.headers.get('location')).toContain('oauth=failed');
    const { state } = provider.consent(
      (await t.call('POST', `/api/v1/relays/${relayId}/oauth/start`)).body.url,
    );
    const denied = await callback({ state, error: 'access_denied' });
    expect(denied.headers.get('location')).toContain('access_denied');
    expect((await t.call('GET', `/api/v1/relays/${relayId}`)).body.authentication.status).toBe(
      'reauth_required',
    );
  });

  it('says which settings are missing for a provider that is not configured, and refuses non-OAuth relays', async () => {
    await t.call('PATCH', `/api/v1/relays/${relayId}`, {
      authentication: { type: 'oauth2', service: 'microsoft365', user: 'crm@sakura.com' },
    });
    const res = await t.call('POST', `/api/v1/relays/${relayId}/oauth/start`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('MAILROUTE_OAUTH_MICROSOFT365_CLIENT_ID');
    await t.call('PATCH', `/api/v1/relays/${relayId}`, { authentication: { type: 'none' } });
    expect((await t.call('POST', `/api/v1/relays/${relayId}/oauth/start`)).body.error.message).toBe(
      'this relay does not use OAuth2 authentication',
    );
  });
});
