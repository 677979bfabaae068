/**
 * A typed client for mailroute's HTTP API: openapi-fetch over the types openapi-typescript
 * generates from mailroute's OpenAPI document (`schema.d.ts`, regenerated and compared by
 * test/client/generated.test.ts; `MAILROUTE_UPDATE_CLIENT=1` on that test writes it anew).
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, paths } from './schema.js';

export interface MailrouteClientOptions {
  /** Where mailroute listens, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** An API key (role `send` to submit mail, `admin` for the rest). */
  apiKey: string;
  fetch?: typeof globalThis.fetch;
}

export function createMailrouteClient(o: MailrouteClientOptions) {
  return createClient<paths>({
    baseUrl: o.baseUrl.replace(/\/$/, ''),
    headers: { authorization: `Bearer ${o.apiKey}` },
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
}

export type MailrouteClient = ReturnType<typeof createMailrouteClient>;
