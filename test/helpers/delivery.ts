/** Helpers for end-to-end delivery tests: waiting for statuses, reading what a sink received, DKIM. */
import { promises as dns } from 'node:dns';
import { expect } from 'vitest';
import type { TestApp } from './app.js';
import type { TestSmtpServer } from './smtp-servers.js';

export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until none of the message's deliveries is queued or sending, and returns its detail. */
export async function settled(t: TestApp, messageId: string, timeoutMs = 15_000) {
  return until(
    async () => {
      const res = await t.call('GET', `/api/v1/messages/${messageId}`);
      return res.body.deliveries.every((d: { status: string }) => !['queued', 'sending'].includes(d.status))
        ? res.body
        : undefined;
    },
    timeoutMs,
    `message ${messageId} to settle`,
  );
}

/**
 * Submits a one-recipient message from amelia@sakura.com, checks it was accepted, and waits for it
 * to settle; returns its ids and detail (the caller checks the outcome it expects).
 */
export async function sendOneSettled(t: TestApp, to: string, type: 'workflow' | 'individual') {
  const res = await t.call('POST', '/api/v1/messages', {
    type,
    from: 'amelia@sakura.com',
    to: [to],
    subject: 'Hello',
    text: 'Hi',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const detail = await settled(t, res.body.id);
  return {
    messageId: res.body.id as string,
    deliveryId: detail.deliveries[0].id as string,
    status: detail.deliveries[0].status as string,
  };
}

/** The delivery id of a message as a sink received it, from its X-Mailroute-Delivery header. */
export function deliveryIdOf(raw: Buffer): string {
  return /^X-Mailroute-Delivery: (\S+)/im.exec(raw.toString())?.[1] ?? '';
}

/** The delivery ids a sink received, from their X-Mailroute-Delivery headers. */
export function deliveriesIn(server: TestSmtpServer): string[] {
  return server.received.messages.map(deliveryIdOf);
}

export function messageFor(server: TestSmtpServer, deliveryId: string): Buffer | undefined {
  return server.received.messages.find((m) => m.toString().includes(`X-Mailroute-Delivery: ${deliveryId}`));
}

/** Verifies DKIM signatures against the test DNS server. */
export async function verifyDkim(raw: Buffer, dnsAddress: string) {
  const r = new dns.Resolver();
  r.setServers([dnsAddress]);
  // mailauth takes a noticeable part of a second to import: loaded by the tests that verify DKIM.
  const { dkimVerify } = await import('mailauth');
  const result = await dkimVerify(raw, {
    resolver: (name: string, type: string) => r.resolve(name, type as 'TXT') as Promise<never>,
  });
  return result.results.map((x: { signingDomain: string; status: { result: string } }) => ({
    domain: x.signingDomain,
    result: x.status.result,
  }));
}
