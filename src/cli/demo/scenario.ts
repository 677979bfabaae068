/**
 * What the demo does through the HTTP API, as any client would: a domain, two relays (one with a
 * daily cap of 3, so later mail moves on), one message of each type, a personalized mass email with
 * `{{name}}` merge fields, and a recipient the sink refuses as unknown, which bounces.
 */
import { unknownLocalPart } from './sink.js';

export interface DemoApi {
  baseUrl: string;
  apiKey: string;
}

export const demoDomain = 'demo.example';
const customers = 'customer.example';

async function call<T>(api: DemoApi, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${api.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface DemoRelayPorts {
  capped: number;
  backup: number;
}

export interface DemoSent {
  messageIds: string[];
  deliveries: number;
}

export async function setUp(api: DemoApi, ports: DemoRelayPorts): Promise<void> {
  const domain = await call<{ id: string }>(api, 'POST', '/api/v1/domains', {
    name: demoDomain,
    dkimAlgorithm: 'ed25519',
  });
  const relay = (name: string, port: number, dailyLimit: number, priority: number) => ({
    name,
    domainId: domain.id,
    host: '127.0.0.1',
    port,
    security: 'none',
    dailyLimit,
    priority,
    emailTypes: ['workflow', 'mass', 'individual'],
  });
  await call(api, 'POST', '/api/v1/relays', relay('Office relay (cap 3)', ports.capped, 3, 1));
  await call(api, 'POST', '/api/v1/relays', {
    ...relay('Campaign relay', ports.backup, 1000, 2),
    emailTypes: ['mass'],
  });
}

export async function sendSamples(api: DemoApi): Promise<DemoSent> {
  const from = `Demo Shop <info@${demoDomain}>`;
  const ids: string[] = [];
  let deliveries = 0;
  const one = async (type: string, to: string, subject: string) => {
    const r = await call<{ id: string; deliveries: unknown[] }>(api, 'POST', '/api/v1/messages', {
      type,
      from,
      to: [to],
      subject,
      text: `${subject}\n\nThis message was sent by the mailroute demo.`,
    });
    ids.push(r.id);
    deliveries += r.deliveries.length;
  };
  await one('workflow', `lead@${customers}`, 'Thank you for your inquiry');
  await one('individual', `sato@${customers}`, 'About your quote');
  await one('individual', `${unknownLocalPart}@${customers}`, 'A message to an address that does not exist');
  const names = ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Ito', 'Watanabe'];
  const mass = await call<{ id: string; accepted: number }>(api, 'POST', '/api/v1/mass-emails', {
    from,
    subject: 'Winter sale for {{name}}',
    text: 'Dear {{name}},\n\nYour coupon: {{coupon}}\n',
    recipients: names.map((name, i) => ({
      address: `${name.toLowerCase()}@${customers}`,
      fields: { name, coupon: `WINTER-${100 + i}` },
    })),
  });
  ids.push(mass.id);
  deliveries += mass.accepted;
  await one('workflow', `support@${customers}`, 'Your ticket was updated');
  await one('individual', `ito@${customers}`, 'Meeting next week');
  return { messageIds: ids, deliveries };
}

export interface LogLine {
  recipient: string;
  subject: string;
  type: string;
  status: string;
  routeName: string | null;
  lastReply: string | null;
}

const unsettled = new Set(['queued', 'sending', 'deferred']);

/** Waits until every delivery of the demo has an outcome, and returns the log. */
export async function settled(api: DemoApi, expected: number, timeoutMs: number): Promise<LogLine[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const page = await call<{ items: LogLine[] }>(api, 'GET', '/api/v1/messages?limit=500');
    const done = page.items.filter((l) => !unsettled.has(l.status));
    if (done.length >= expected || Date.now() > until) return page.items;
    await new Promise((r) => setTimeout(r, 200));
  }
}
