/**
 * Where a webhook request may go: the URL's host resolved with mailroute's own resolver at send
 * time and checked against the operator's host policy (`MAILROUTE_RELAY_HOSTS`, as for relays:
 * never link-local or reserved, only public when `public-only`). The request then connects to the
 * checked address itself, so a name that resolves to, or is re-pointed at, a metadata or internal
 * address after the endpoint was saved never receives a request.
 */
import type { AppContext } from '../context.js';
import { hostAddresses } from '../dns/host-addresses.js';
import { addressKind, relayAddressAllowed } from '../domain/hosts.js';

export type WebhookTarget = { address: string } | { refused: string };

export async function webhookTarget(ctx: AppContext, url: URL): Promise<WebhookTarget> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const policy = ctx.config.relayHosts;
  const candidates = await hostAddresses(ctx.dns, host);
  const allowed = candidates.find((ip) => relayAddressAllowed(ip, policy));
  if (allowed) return { address: allowed };
  if (candidates.length === 0) return { refused: `${host} has no address` };
  const shown = candidates.map((ip) => `${ip} (${addressKind(ip) ?? 'invalid'})`).join(', ');
  return {
    refused: `${host} resolves only to addresses webhooks may not reach here: ${shown} (MAILROUTE_RELAY_HOSTS=${policy})`,
  };
}
