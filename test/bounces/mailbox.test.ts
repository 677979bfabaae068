/**
 * Bounce mailboxes end to end against a real IMAP server: a private Dovecot on loopback (Debian's
 * `dovecot-imapd`, started here with a configuration of its own). A message goes out through a
 * loopback relay whose bounces go to a fixed address; a real RFC 3464 DSN is put into that address's
 * mailbox by IMAP APPEND; polling marks the delivery bounced and marks or moves the message, leaves
 * a message that is not a bounce in place (marked), and records a wrong password as the last error.
 */

import { createServer, type Server } from 'node:http';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDsn } from '../../src/bounces/build-dsn.js';
import { pollMailbox } from '../../src/bounces/mailbox-poll.js';
import { openStore } from '../../src/store/db.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { sendOneSettled, until } from '../helpers/delivery.js';
import { startImapServer, type TestImapServer } from '../helpers/imap-server.js';
import { type FakeProvider, startFakeProvider } from '../helpers/oauth-provider.js';
import {
  closedPort,
  startSmtpServer,
  type TestSmtpServer,
  testCertificates,
} from '../helpers/smtp-servers.js';

const PASSWORD = 'mailbox password 1';
const users = Array.from({ length: 16 }, (_, i) => ({ user: `bounce${i}@sakura.com`, password: PASSWORD }));
const started = await startImapServer(users);
const imap: TestImapServer | undefined = 'server' in started ? started.server : undefined;
if ('skip' in started) console.warn(`bounce mailbox tests skipped: ${started.skip}`);
let nextUser = 0;

async function imapClient(user: string): Promise<ImapFlow> {
  const c = new ImapFlow({
    host: imap!.host,
    port: imap!.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass: PASSWORD },
    logger: false,
  });
  await c.connect();
  return c;
}

async function append(user: string, raw: string): Promise<void> {
  const c = await imapClient(user);
  try {
    await c.append('INBOX', raw);
  } finally {
    await c.logout();
  }
}

/** Subject and flags of every message in `folder`. */
async function contents(user: string, folder: string | string[] = 'INBOX') {
  const c = await imapClient(user);
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      const out: { subject: string; flags: string[] }[] = [];
      for await (const m of c.fetch('1:*', { envelope: true, flags: true }))
        out.push({
          subject: m.envelope?.subject ?? '',
          flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
        });
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

const plainMessage = (subject: string) =>
  [
    'From: someone@example.net',
    'To: bounce@sakura.com',
    `Subject: ${subject}`,
    'Message-ID: <hello-1@example.net>',
    '',
    'Just a note, not a bounce.',
    '',
  ].join('\r\n');

describe.skipIf(!imap).each(dialects)('bounce mailbox on %s', (dialect) => {
  let t: TestApp;
  let relay: TestSmtpServer;
  let domainId: string;
  let relayId: string;

  beforeAll(async () => {
    relay = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const res = await t.call('POST', '/api/v1/relays', {
      name: 'relay',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['workflow'],
      bounceHandling: { mode: 'address', address: 'bounce@sakura.com' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    relayId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await relay?.close();
  });

  const path = () => `/api/v1/relays/${relayId}/bounce-mailbox`;
  const settings = (user: string, extra: Record<string, unknown> = {}) => ({
    host: imap!.host,
    port: imap!.port,
    security: 'none',
    authentication: { type: 'password', username: user, password: PASSWORD },
    enabled: false,
    ...extra,
  });
  const sendOne = async (to: string) => {
    const { messageId, deliveryId, status } = await sendOneSettled(t, to, 'workflow');
    expect(status).toBe('sent');
    expect(relay.received.mailFrom.at(-1)).toBe('bounce@sakura.com');
    return { messageId, deliveryId };
  };
  const dsnFor = (recipient: string, deliveryId: string, subject = 'Undelivered Mail Returned to Sender') =>
    buildDsn({
      reportingMta: 'mx.example.net',
      from: 'MAILER-DAEMON@mx.example.net',
      to: 'bounce@sakura.com',
      recipients: [
        {
          address: recipient,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: `550 5.1.1 <${recipient}>: Recipient address rejected: User unknown`,
          remoteMta: 'mx.example.net',
        },
      ],
      returnedHeaders: {
        'Message-ID': `<${deliveryId}@sakura.com>`,
        'X-Mailroute-Delivery': deliveryId,
        Subject: 'Hello',
      },
    }).replace(/^Subject: .*$/m, `Subject: ${subject}`);
  const delivery = async (messageId: string) =>
    (await t.call('GET', `/api/v1/messages/${messageId}`)).body.deliveries[0];

  it('accepts settings only for a relay with a fixed bounce address, naming wrong fields', async () => {
    expect((await t.call('GET', path())).status).toBe(404);
    const other = await t.call('POST', '/api/v1/relays', {
      name: 'verp relay',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['mass'],
    });
    const refused = await t.call(
      'PUT',
      `/api/v1/relays/${other.body.id}/bounce-mailbox`,
      settings('bounce0@sakura.com'),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.fields).toHaveProperty('bounceHandling');
    await t.call('DELETE', `/api/v1/relays/${other.body.id}`);

    const badPort = await t.call('PUT', path(), settings('bounce0@sakura.com', { port: 70000 }));
    expect(badPort.status).toBe(400);
    expect(badPort.body.error.fields).toHaveProperty('port');
    const noPassword = await t.call(
      'PUT',
      path(),
      settings('bounce0@sakura.com', {
        authentication: { type: 'password', username: 'bounce0@sakura.com' },
      }),
    );
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.fields).toHaveProperty(['authentication.password']);
    const oauth = await t.call(
      'PUT',
      path(),
      settings('bounce0@sakura.com', { authentication: { type: 'relay-oauth' } }),
    );
    expect(oauth.status).toBe(400);
    expect(oauth.body.error.fields).toHaveProperty(['authentication.type']);
    const sameFolder = await t.call(
      'PUT',
      path(),
      settings('bounce0@sakura.com', { afterProcessing: { action: 'move', folder: 'INBOX' } }),
    );
    expect(sameFolder.status).toBe(400);
    expect(sameFolder.body.error.fields).toHaveProperty(['afterProcessing.folder']);
  });

  it('records a DSN from the mailbox, marks it processed, and leaves a message that is not a bounce', async () => {
    const user = users[nextUser++]!.user;
    const put = await t.call('PUT', path(), settings(user));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({
      authentication: { type: 'password', username: user, passwordSet: true },
      mailbox: 'INBOX',
      afterProcessing: { action: 'flag', keyword: '$MailrouteProcessed' },
      enabled: false,
    });
    expect(JSON.stringify(put.body)).not.toContain(PASSWORD);

    const sent = await sendOne('gone@example.net');
    await append(user, dsnFor('gone@example.net', sent.deliveryId));
    await append(user, plainMessage('A note'));
    const poll = await t.call('POST', `${path()}/poll`);
    expect(poll.status, JSON.stringify(poll.body)).toBe(200);
    expect(poll.body).toEqual({
      ok: true,
      error: null,
      processed: 2,
      recorded: 1,
      unmatched: 0,
      notBounces: 1,
    });

    const d = await delivery(sent.messageId);
    expect(d).toMatchObject({ status: 'bounced', lastStatus: '5.1.1' });
    expect(d.bounces).toEqual([expect.objectContaining({ class: 'hard', source: 'imap' })]);
    const suppressed = (await t.call('GET', '/api/v1/suppressions')).body.items;
    expect(suppressed).toContainEqual(expect.objectContaining({ address: 'gone@example.net' }));

    const box = await contents(user);
    expect(box).toEqual([
      { subject: 'Undelivered Mail Returned to Sender', flags: ['$MailrouteProcessed', '\\Seen'] },
      { subject: 'A note', flags: ['$MailrouteProcessed', '\\Seen'] },
    ]);
    const again = await t.call('POST', `${path()}/poll`);
    expect(again.body).toMatchObject({ ok: true, processed: 0 });
    const status = (await t.call('GET', path())).body.status;
    expect(status).toMatchObject({ lastError: null, processed: 2, recorded: 1, notBounces: 1, unmatched: 0 });
    expect(status.lastPollAt).not.toBeNull();
    const audit = (await t.call('GET', '/api/v1/audit-log')).body.items;
    expect(audit.map((a: { action: string }) => a.action)).toContain('relay.bounce_mailbox.create');
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('moves a recorded bounce to a folder (created when missing) and counts a report naming no delivery', async () => {
    const user = users[nextUser++]!.user;
    const put = await t.call(
      'PUT',
      path(),
      settings(user, { afterProcessing: { action: 'move', folder: 'Bounces/Done' } }),
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const sent = await sendOne('moved@example.net');
    await append(user, dsnFor('moved@example.net', sent.deliveryId, 'Bounce one'));
    await append(
      user,
      dsnFor('nobody@example.net', 'dlv_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'Bounce of a stranger'),
    );
    const poll = await t.call('POST', `${path()}/poll`);
    expect(poll.body, JSON.stringify(poll.body)).toMatchObject({
      ok: true,
      processed: 2,
      recorded: 1,
      unmatched: 1,
    });
    expect((await delivery(sent.messageId)).status).toBe('bounced');
    expect(await contents(user)).toEqual([
      { subject: 'Bounce of a stranger', flags: ['$MailrouteProcessed', '\\Seen'] },
    ]);
    expect(await contents(user, ['Bounces', 'Done'])).toEqual([
      { subject: 'Bounce one', flags: ['$MailrouteProcessed', '\\Seen'] },
    ]);
  });

  it('takes a report only for a delivery its relay sent with the fixed address, naming its recipient', async () => {
    const user = users[nextUser++]!.user;
    expect((await t.call('PUT', path(), settings(user))).status).toBe(200);
    const verpRelay = await t.call('POST', '/api/v1/relays', {
      name: 'verp relay',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['individual'],
    });
    expect(verpRelay.status, JSON.stringify(verpRelay.body)).toBe(201);
    const viaVerp = await sendOneSettled(t, 'verp@example.net', 'individual');
    expect(viaVerp.status).toBe('sent');
    expect(relay.received.mailFrom.at(-1)).toMatch(/^bounces\+/);
    await t.call('DELETE', `/api/v1/relays/${verpRelay.body.id}`);
    const sent = await sendOne('mine@example.net');
    await append(user, dsnFor('verp@example.net', viaVerp.deliveryId, 'Quoting a VERP delivery'));
    await append(user, dsnFor('someone-else@example.net', sent.deliveryId, 'Another recipient'));
    const poll = await t.call('POST', `${path()}/poll`);
    expect(poll.body, JSON.stringify(poll.body)).toMatchObject({
      ok: true,
      processed: 2,
      recorded: 0,
      unmatched: 2,
    });
    for (const m of [viaVerp.messageId, sent.messageId]) {
      const d = await delivery(m);
      expect(d.status).toBe('sent');
      expect(d.bounces).toEqual([]);
    }
    const suppressed = (await t.call('GET', '/api/v1/suppressions')).body.items.map(
      (x: { address: string }) => x.address,
    );
    expect(suppressed).not.toContain('verp@example.net');
    expect(suppressed).not.toContain('mine@example.net');
    const logs = t.logs.join('');
    expect(logs).toContain('"event":"bounce_mailbox.wrong_return_path"');
    expect(logs).toContain('"event":"bounce_mailbox.recipient_mismatch"');
    // The report for its own delivery and recipient is taken.
    await append(user, dsnFor('mine@example.net', sent.deliveryId));
    expect((await t.call('POST', `${path()}/poll`)).body).toMatchObject({ processed: 1, recorded: 1 });
    expect((await delivery(sent.messageId)).status).toBe('bounced');
  });

  it('records a wrong password or an unreachable server as the last error', async () => {
    const user = users[nextUser++]!.user;
    await t.call(
      'PUT',
      path(),
      settings(user, { authentication: { type: 'password', username: user, password: 'wrong' } }),
    );
    const poll = await t.call('POST', `${path()}/poll`);
    expect(poll.body).toMatchObject({ ok: false, processed: 0 });
    expect(poll.body.error).toMatch(/^authentication failed/);
    const view = (await t.call('GET', path())).body;
    expect(view.status.lastError).toMatch(/^authentication failed/);
    expect(view.status.lastSuccessAt).toBeNull();
    expect(JSON.stringify(view)).not.toContain('wrong');

    // Keeping the stored password while pointing at a closed port.
    await t.call(
      'PUT',
      path(),
      settings(user, { port: 1, authentication: { type: 'password', username: user } }),
    );
    const refused = await t.call('POST', `${path()}/poll`);
    expect(refused.body).toMatchObject({ ok: false, error: 'connection refused' });
  });

  it('lets one poll at a time have a mailbox, across processes sharing the database', async () => {
    const user = users[nextUser++]!.user;
    await t.call('PUT', path(), settings(user));
    const sent = await sendOne('once@example.net');
    await append(user, dsnFor('once@example.net', sent.deliveryId));
    const ctx = t.app.ctx;
    const other = { ...ctx, store: openStore(ctx.config.database) }; // a second process
    try {
      const outcomes = await Promise.all([
        pollMailbox(ctx, relayId),
        pollMailbox(other, relayId),
        pollMailbox(ctx, relayId),
        pollMailbox(other, relayId),
      ]);
      const ran = outcomes.filter((o) => o !== undefined);
      expect(ran).toHaveLength(1);
      expect(ran[0]).toMatchObject({ ok: true, processed: 1, recorded: 1 });
    } finally {
      await other.store.close();
    }
    expect((await delivery(sent.messageId)).bounces).toHaveLength(1);
    // The lease was given back: the next poll runs (and finds nothing new).
    expect(await pollMailbox(ctx, relayId)).toMatchObject({ ok: true, processed: 0 });
  });

  it('is polled by the worker when enabled, again after the interval, and deleted with its relay', async () => {
    const user = users[nextUser++]!.user;
    const sent = await sendOne('later@example.net');
    await append(user, dsnFor('later@example.net', sent.deliveryId));
    const put = await t.call('PUT', path(), settings(user, { enabled: true }));
    expect(put.status).toBe(200);
    await until(async () => (await delivery(sent.messageId)).status === 'bounced', 10_000, 'the worker poll');
    // The poll records its outcome after it has processed the messages it read.
    const first = await until(
      async () => {
        const status = (await t.call('GET', path())).body.status;
        return status.lastSuccessAt !== null && status;
      },
      10_000,
      'the poll to be recorded',
    );
    expect(first).toMatchObject({ lastError: null });

    const second = await sendOne('later2@example.net');
    await append(user, dsnFor('later2@example.net', second.deliveryId));
    // Another mailbox, due now, polled in two ticks of the worker's poller: the first tick began
    // after the bounce was appended, the second only once the first had finished. Neither polled
    // this mailbox: by the clock its interval has not passed.
    const marker = await t.call('POST', '/api/v1/relays', {
      name: 'marker',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['individual'],
      bounceHandling: { mode: 'address', address: 'marker@sakura.com' },
    });
    expect(marker.status, JSON.stringify(marker.body)).toBe(201);
    const markerPath = `/api/v1/relays/${marker.body.id}/bounce-mailbox`;
    const nowhere = await closedPort();
    for (const tick of ['first', 'second']) {
      // Settings saved again earn a fresh poll.
      const put = await t.call('PUT', markerPath, {
        host: '127.0.0.1',
        port: nowhere,
        security: 'none',
        authentication: { type: 'password', username: 'marker', password: PASSWORD },
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      await until(
        async () => (await t.call('GET', markerPath)).body.status.lastPollAt !== null,
        10_000,
        `the ${tick} poll of the marker mailbox`,
      );
    }
    expect((await delivery(second.messageId)).status).toBe('sent');
    expect((await t.call('GET', path())).body.status).toEqual(first);
    expect((await t.call('DELETE', `/api/v1/relays/${marker.body.id}`)).status).toBe(204);
    t.clock.advance(61_000);
    await until(async () => (await delivery(second.messageId)).status === 'bounced', 10_000, 'the next poll');

    const other = await t.call('POST', '/api/v1/relays', {
      name: 'to delete',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['individual'],
      bounceHandling: { mode: 'platform', fixedReturnPath: true },
    });
    const otherPath = `/api/v1/relays/${other.body.id}/bounce-mailbox`;
    expect((await t.call('PUT', otherPath, settings(user))).status).toBe(200);
    expect((await t.call('DELETE', `/api/v1/relays/${other.body.id}`)).status).toBe(204);
    expect((await t.call('GET', otherPath)).status).toBe(404);
    const row = await t.app.ctx.store.db
      .selectFrom('bounce_mailboxes')
      .select('relay_id')
      .where('relay_id', '=', other.body.id)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });
});

describe.skipIf(!imap)("bounce mailbox signing in with the relay's OAuth", () => {
  let t: TestApp;
  let provider: FakeProvider;
  let introspection: Server;
  let oauthImap: TestImapServer;
  let relayId: string;
  const owner = 'owner@sakura.com';
  const introspected: string[] = [];

  beforeAll(async () => {
    provider = await startFakeProvider('client-1', 'client-secret-1');
    introspection = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const token = new URLSearchParams(body).get('token') ?? '';
        introspected.push(token);
        const active = provider.accessTokens.includes(token);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(active ? { active: true, username: owner } : { active: false }));
      });
    });
    await new Promise<void>((r) => introspection.listen(0, '127.0.0.1', r));
    const { port } = introspection.address() as { port: number };
    const s = await startImapServer([{ user: owner, password: PASSWORD }], {
      oauth2IntrospectionUrl: `http://127.0.0.1:${port}/introspect`,
    });
    if ('skip' in s) throw new Error(s.skip);
    oauthImap = s.server;
    t = await startTestApp('sqlite', {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PUBLIC_URL: 'https://mail.example.test',
      MAILROUTE_OAUTH_GMAIL_CLIENT_ID: 'client-1',
      MAILROUTE_OAUTH_GMAIL_CLIENT_SECRET: 'client-secret-1',
      MAILROUTE_OAUTH_GMAIL_AUTH_URL: provider.authUrl,
      MAILROUTE_OAUTH_GMAIL_TOKEN_URL: provider.tokenUrl,
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    relayId = (
      await t.call('POST', '/api/v1/relays', {
        name: 'gmail',
        host: 'smtp.gmail.com',
        port: 587,
        security: 'tls',
        dailyLimit: 100,
        domainId,
        emailTypes: ['workflow'],
        authentication: { type: 'oauth2', service: 'gmail', user: owner },
        bounceHandling: { mode: 'address', address: 'bounce@sakura.com' },
      })
    ).body.id;
    const { code, state } = provider.consent(
      (await t.call('POST', `/api/v1/relays/${relayId}/oauth/start`)).body.url,
    );
    const back = await fetch(`${t.url}/api/v1/oauth/callback?${new URLSearchParams({ code, state })}`, {
      redirect: 'manual',
    });
    expect(back.status).toBe(302);
  });
  afterAll(async () => {
    await t?.close();
    await oauthImap?.close();
    await provider?.close();
    await new Promise((r) => introspection?.close(r));
  });

  it('signs in with XOAUTH2 using the access token of the relay', async () => {
    const c = new ImapFlow({
      host: oauthImap.host,
      port: oauthImap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: owner, pass: PASSWORD },
      logger: false,
    });
    await c.connect();
    await c.append('INBOX', plainMessage('For the owner'));
    await c.logout();
    const put = await t.call('PUT', `/api/v1/relays/${relayId}/bounce-mailbox`, {
      host: oauthImap.host,
      port: oauthImap.port,
      security: 'none',
      authentication: { type: 'relay-oauth' },
      enabled: false,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.authentication).toEqual({ type: 'relay-oauth' });
    const poll = await t.call('POST', `/api/v1/relays/${relayId}/bounce-mailbox/poll`);
    expect(poll.body).toMatchObject({ ok: true, processed: 1, notBounces: 1 });
    expect(introspected).toContain(provider.accessTokens.at(-1));
  });
});

describe.skipIf(!imap)('bounce mailbox over implicit TLS', () => {
  let t: TestApp;
  let tlsImap: TestImapServer;
  let relayId: string;
  const user = 'tls@sakura.com';

  beforeAll(async () => {
    const certs = await testCertificates();
    const s = await startImapServer([{ user, password: PASSWORD }], { certificate: certs.selfSigned });
    if ('skip' in s) throw new Error(s.skip);
    tlsImap = s.server;
    t = await startTestApp('sqlite', { MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    relayId = (
      await t.call('POST', '/api/v1/relays', {
        name: 'relay',
        host: 'smtp.sakura.com',
        port: 587,
        security: 'tls',
        dailyLimit: 100,
        domainId,
        emailTypes: ['workflow'],
        bounceHandling: { mode: 'address', address: 'bounce@sakura.com' },
      })
    ).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await tlsImap?.close();
  });

  const pollWith = async (verifyCertificate: boolean) => {
    const put = await t.call('PUT', `/api/v1/relays/${relayId}/bounce-mailbox`, {
      host: '127.0.0.1',
      port: tlsImap.tlsPort,
      security: 'ssl',
      verifyCertificate,
      authentication: { type: 'password', username: user, password: PASSWORD },
      enabled: false,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    return (await t.call('POST', `/api/v1/relays/${relayId}/bounce-mailbox/poll`)).body;
  };

  it('refuses a self-signed certificate unless verification is off', async () => {
    const refused = await pollWith(true);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/self[- ]signed/i);
    expect(await pollWith(false)).toMatchObject({ ok: true, error: null, processed: 0 });
  });
});

afterAll(async () => {
  await imap?.close();
});
