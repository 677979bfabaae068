/**
 * Where a bounce mailbox session may connect: its host resolved with mailroute's own resolver (not
 * the system's, which imapflow would use) and every address checked against the operator's host
 * policy (`MAILROUTE_RELAY_HOSTS`, as for relays, webhooks and MX hosts: never link-local or
 * reserved, private and loopback only under `any`). The session then connects to the checked
 * address and keeps the name for TLS, so a name pointed inside the network is refused before any
 * connection, and no reply of the server behind it can reach the mailbox status.
 */
import type { AppContext } from '../context.js';
import { hostAddresses } from '../dns/host-addresses.js';
import { AppError } from '../domain/errors.js';
import { addressKind, relayAddressAllowed } from '../domain/hosts.js';

export async function mailboxAddress(ctx: AppContext, host: string): Promise<string> {
  const policy = ctx.config.relayHosts;
  const candidates = await hostAddresses(ctx.dns, host);
  const allowed = candidates.find((ip) => relayAddressAllowed(ip, policy));
  if (allowed) return allowed;
  if (candidates.length === 0) throw new AppError('conflict', `host not found: ${host} has no address`);
  const shown = candidates.map((ip) => `${ip} (${addressKind(ip) ?? 'invalid'})`).join(', ');
  throw new AppError(
    'conflict',
    `the host policy (MAILROUTE_RELAY_HOSTS=${policy}) refuses ${host} at ${shown}: bounce mailboxes may not reach it here; no connection was made`,
  );
}
