/**
 * The bounce listener under slow clients, with real sockets on loopback from several source
 * addresses (127.0.0.2 and up): 200 sessions from 10 addresses that dribble a command line or a
 * message hold every slot, and a legitimate DSN must still be taken within seconds; a client that
 * dribbles is cut off after the command timeout although bytes keep coming, while one that waits
 * between commands keeps its session. Limits and timeouts are set through the configuration.
 */
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDsn } from '../../src/bounces/build-dsn.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sendOneSettled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const COMMAND_TIMEOUT_S = 2;

/** An SMTP client on a raw socket: sends what it is told and collects the server's reply lines. */
class RawClient {
  readonly lines: string[] = [];
  closed = false;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private dribble: NodeJS.Timeout | undefined;

  constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      let i = this.buffer.indexOf('\r\n');
      while (i >= 0) {
        this.lines.push(this.buffer.slice(0, i));
        this.buffer = this.buffer.slice(i + 2);
        i = this.buffer.indexOf('\r\n');
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      clearInterval(this.dribble);
      this.wake();
    });
  }

  static open(port: number, localAddress: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for a reply line matching `pattern` (among all received so far). */
  async reply(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => pattern.test(l));
      if (hit) return hit;
      if (this.closed) throw new Error(`closed without ${pattern}; got ${JSON.stringify(this.lines)}`);
      if (Date.now() > end) throw new Error(`no ${pattern} in time; got ${JSON.stringify(this.lines)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  /** Sends `command` and waits for a final reply with `code`. */
  async send(command: string, code: string): Promise<void> {
    const before = this.lines.length;
    this.socket.write(`${command}\r\n`);
    const end = Date.now() + 10_000;
    while (!this.lines.slice(before).some((l) => l.startsWith(`${code} `))) {
      if (this.closed || Date.now() > end)
        throw new Error(`no ${code} to ${command}; got ${JSON.stringify(this.lines.slice(before))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  /** Writes one byte every `everyMs`, never ending the line or the message. */
  startDribbling(everyMs = 200) {
    this.dribble = setInterval(() => {
      if (!this.socket.destroyed) this.socket.write('x');
    }, everyMs);
  }

  /** Takes STARTTLS and goes on over TLS (the listener's certificate is not checked). */
  async startTls(): Promise<RawClient> {
    await this.send('STARTTLS', '220');
    this.socket.removeAllListeners('data');
    const secure = await new Promise<Socket>((resolve, reject) => {
      const s = connectTls({ socket: this.socket, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    return new RawClient(secure);
  }

  close() {
    clearInterval(this.dribble);
    this.socket.destroy();
  }
}

describe('bounce listener under slow clients', () => {
  let t: TestApp;
  let relay: TestSmtpServer;
  let port: number;
  let clients: RawClient[] = [];

  beforeAll(async () => {
    relay = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_BOUNCE_MAX_CONNECTIONS: '200',
      MAILROUTE_BOUNCE_MAX_CONNECTIONS_PER_IP: '20',
      MAILROUTE_BOUNCE_COMMAND_TIMEOUT_SECONDS: String(COMMAND_TIMEOUT_S),
      MAILROUTE_BOUNCE_IDLE_TIMEOUT_SECONDS: '60',
    });
    port = t.app.bounces!.port;
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const res = await t.call('POST', '/api/v1/relays', {
      name: 'relay',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['workflow'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
  afterEach(() => {
    for (const c of clients) c.close();
    clients = [];
  });
  afterAll(async () => {
    await t.close();
    await relay.close();
  });

  /** 20 sessions from each of 127.0.0.2 … 127.0.0.11, each greeted and past EHLO. */
  const openMany = async (): Promise<RawClient[]> => {
    const opened = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const c = await RawClient.open(port, `127.0.0.${2 + (i % 10)}`);
        clients.push(c);
        await c.reply(/^220 /);
        await c.send('EHLO slow.example', '250');
        return c;
      }),
    );
    return opened;
  };

  /**
   * Sends mail to `recipient` through the relay; `attempt` then delivers a DSN for it to its VERP
   * return path from 127.0.0.12 and resolves to the listener's reply.
   */
  const legitimate = async (recipient: string) => {
    const { messageId, deliveryId, status } = await sendOneSettled(t, recipient, 'workflow');
    expect(status).toBe('sent');
    const returnPath = relay.received.mailFrom.at(-1)!;
    const raw = buildDsn({
      reportingMta: 'mx.example.net',
      from: 'MAILER-DAEMON@mx.example.net',
      to: returnPath,
      recipients: [{ address: recipient, action: 'failed', status: '5.1.1' }],
      returnedHeaders: { 'Message-ID': `<${deliveryId}@sakura.com>` },
    });
    const attempt = async () => {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port,
        localAddress: '127.0.0.12',
        secure: false,
        ignoreTLS: true,
      });
      try {
        return (await transport.sendMail({ envelope: { from: '', to: [returnPath] }, raw })).response;
      } finally {
        transport.close();
      }
    };
    return { messageId, attempt };
  };

  it('takes a legitimate DSN at once while 200 idle sessions from 10 addresses hold every slot', async () => {
    const { messageId, attempt } = await legitimate('gone@example.net');
    const slow = await openMany();
    // The per-address limit holds: a 21st session from one of those addresses is refused.
    const extra = await RawClient.open(port, '127.0.0.2');
    clients.push(extra);
    expect(await extra.reply(/^421 /)).toMatch(/^421 4\.7\.0 Too many connections from your address/);

    const started = Date.now();
    expect(await attempt()).toMatch(/^250 /);
    expect(Date.now() - started).toBeLessThan(5_000);
    const d = (await t.call('GET', `/api/v1/messages/${messageId}`)).body.deliveries[0];
    expect(d.status).toBe('bounced');
    // The session it took the place of was told why.
    expect(slow.some((c) => c.lines.some((l) => l.startsWith('421 4.7.0 Too many connections')))).toBe(true);
  });

  it('takes a legitimate DSN within seconds of the command timeout while 200 clients dribble messages', async () => {
    const { messageId, attempt } = await legitimate('moved@example.net');
    const slow = await openMany();
    await Promise.all(
      slow.map(async (c) => {
        await c.send('MAIL FROM:<>', '250');
        await c.send('RCPT TO:<catchall@bounces.mailroute.localhost>', '250');
        await c.send('DATA', '354');
        c.startDribbling();
      }),
    );
    const inData = Date.now();
    let reply = '';
    while (!reply.startsWith('250 ')) {
      reply = await attempt().catch((err: { response?: string }) => String(err.response));
      if (!reply.startsWith('250 ')) {
        expect(reply).toMatch(/^421 4\.7\.0 Too many connections, try again in a moment/);
        expect(Date.now() - inData).toBeLessThan((COMMAND_TIMEOUT_S + 5) * 1000);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(Date.now() - inData).toBeLessThan((COMMAND_TIMEOUT_S + 5) * 1000);
    expect((await t.call('GET', `/api/v1/messages/${messageId}`)).body.deliveries[0].status).toBe('bounced');
  });

  it('cuts off a client dribbling a command (in TLS too) or a message, and keeps one waiting between commands', async () => {
    const [command, message, idle] = (await Promise.all(
      ['127.0.0.2', '127.0.0.3', '127.0.0.4'].map(async (a) => {
        const c = await RawClient.open(port, a);
        clients.push(c);
        await c.reply(/^220 /);
        await c.send('EHLO client.example', '250');
        return c;
      }),
    )) as [RawClient, RawClient, RawClient];
    await message.send('MAIL FROM:<>', '250');
    await message.send('RCPT TO:<catchall@bounces.mailroute.localhost>', '250');
    await message.send('DATA', '354');
    // After STARTTLS the client is followed onto the TLS session.
    const plain = await RawClient.open(port, '127.0.0.5');
    clients.push(plain);
    await plain.reply(/^220 /);
    await plain.send('EHLO tls.example', '250');
    const tls = await plain.startTls();
    clients.push(tls);
    await tls.send('EHLO tls.example', '250');
    const started = Date.now();
    command.socket.write('NO');
    tls.socket.write('NO');
    for (const c of [command, message, tls]) c.startDribbling();
    const limit = (COMMAND_TIMEOUT_S + 3) * 1000;
    expect(await command.reply(/^421 /, limit)).toMatch(/^421 4\.4\.2 Command too slow/);
    expect(await message.reply(/^421 /, limit)).toMatch(/^421 4\.4\.2 Message data too slow/);
    expect(await tls.reply(/^421 /, limit)).toMatch(/^421 4\.4\.2 Command too slow/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_S * 1000 - 100);
    // Longer than the command timeout between commands is no reason to cut a session.
    await idle.send('NOOP', '250');
    expect(t.logs.join('')).toContain('"event":"bounce.connection_cut"');
  });
});
