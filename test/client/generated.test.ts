/**
 * The TypeScript client (clients/typescript) stays in step with the API: its types are generated
 * again with openapi-typescript from the OpenAPI document of a running mailroute and must equal the
 * committed `schema.d.ts` (`MAILROUTE_UPDATE_CLIENT=1` writes them instead, after a schema change).
 * Then the client sends a message through that mailroute to a loopback sink.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailrouteClient } from '../../clients/typescript/index.js';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { settled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const SCHEMA = fileURLToPath(new URL('../../clients/typescript/schema.d.ts', import.meta.url));

describe('the generated TypeScript client', () => {
  let t: TestApp;
  let sink: TestSmtpServer;
  beforeAll(async () => {
    sink = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sink.port}`,
    });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('matches the types generated from the running server', async () => {
    const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).body;
    const generated = COMMENT_HEADER + astToString(await openapiTS(doc));
    if (process.env.MAILROUTE_UPDATE_CLIENT === '1') writeFileSync(SCHEMA, generated);
    const committed = readFileSync(SCHEMA, 'utf8');
    expect(
      committed === generated,
      'clients/typescript/schema.d.ts differs from the API: run this test with MAILROUTE_UPDATE_CLIENT=1 and commit it',
    ).toBe(true);
    expect(generated).toContain('"/api/v1/messages"');
  });

  it('sends a message through mailroute', async () => {
    const client = createMailrouteClient({ baseUrl: t.url, apiKey: ADMIN_KEY });
    const domain = await client.POST('/api/v1/domains', { body: { name: 'sakura.com' } });
    expect(domain.response.status).toBe(201);
    const { data, error, response } = await client.POST('/api/v1/messages', {
      body: {
        type: 'individual',
        from: 'amelia@sakura.com',
        to: ['client@example.net'],
        subject: 'From the typed client',
        text: 'Hello',
      },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(202);
    const detail = await settled(t, data!.id);
    expect(detail.deliveries[0].status).toBe('sent');
    expect(sink.received.messages.some((m) => m.toString().includes('From the typed client'))).toBe(true);
    const refused = await client.POST('/api/v1/messages', {
      body: { type: 'individual', from: 'x@other.example', to: ['a@example.net'], subject: 's', text: 't' },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({
      error: { code: 'validation_failed', fields: { from: expect.any(String) } },
    });
  });
});
