/** Helpers for end-to-end delivery tests: waiting for statuses, reading what a sink received, DKIM. */
import { promises as dns } from 'node:dns';
import { dkimVerify } from 'mailauth';
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

/** The delivery ids a sink received, from their X-Mailroute-Delivery headers. */
export function deliveriesIn(server: TestSmtpServer): string[] {
  return server.received.messages.map((m) => /^X-Mailroute-Delivery: (\S+)/im.exec(m.toString())?.[1] ?? '');
}

export function messageFor(server: TestSmtpServer, deliveryId: string): Buffer | undefined {
  return server.received.messages.find((m) => m.toString().includes(`X-Mailroute-Delivery: ${deliveryId}`));
}

/** Verifies DKIM signatures against the test DNS server. */
export async function verifyDkim(raw: Buffer, dnsAddress: string) {
  const r = new dns.Resolver();
  r.setServers([dnsAddress]);
  const result = await dkimVerify(raw, {
    resolver: (name: string, type: string) => r.resolve(name, type as 'TXT') as Promise<never>,
  });
  return result.results.map((x: { signingDomain: string; status: { result: string } }) => ({
    domain: x.signingDomain,
    result: x.status.result,
  }));
}
