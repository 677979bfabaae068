/**
 * Test connection (SPEC R5): runs the probe against a saved relay or an unsaved configuration,
 * with the stored secrets, the org's egress address, mailroute's resolver and the operator's host
 * policy (checked on the resolved addresses too). The probe tries `MAIL FROM` with the return path
 * this relay would use; no mail is ever sent.
 */
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { relayCredentials } from '../credentials/relay-credentials.js';
import { AppError, invalidField } from '../domain/errors.js';
import { relayAddressAllowed } from '../domain/hosts.js';
import { catchAllAddress } from '../domain/verp.js';
import type { RelayInput, RelayTestResult } from '../schemas/relays.js';
import { findOrg } from '../store/repos/orgs.js';
import { type ProbeAuth, probeRelay } from '../transports/probe/index.js';
import { inputOf, relayRow } from './relays.js';

async function dataCenterOf(ctx: AppContext, orgId: string) {
  const org = await findOrg(ctx.store.db, orgId);
  return ctx.config.dataCenters.find((d) => d.id === org?.datacenter) ?? ctx.config.dataCenters[0]!;
}

function probeMailFrom(input: RelayInput, domain: string, bounceDomain: string): string {
  const b = input.bounceHandling;
  if (b.mode === 'address') return b.address;
  if (b.mode === 'from') return `postmaster@${domain}`;
  return catchAllAddress(bounceDomain);
}

async function run(
  ctx: AppContext,
  orgId: string,
  input: RelayInput,
  auth: ProbeAuth,
): Promise<RelayTestResult> {
  const domain = await ctx.store.db
    .selectFrom('domains')
    .select('name')
    .where('id', '=', input.domainId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!domain) throw invalidField('domainId', 'unknown domain', 'unknown_domain');
  const dc = await dataCenterOf(ctx, orgId);
  return probeRelay(
    {
      host: input.host,
      port: input.port,
      security: input.security,
      verifyCertificate: input.verifyCertificate,
      caCertificate: input.caCertificate ?? undefined,
      auth,
      mailFrom: probeMailFrom(input, domain.name, dc.bounceDomain),
      localAddress: dc.egressAddress,
    },
    {
      resolve: (host) => ctx.dns.addresses(host),
      allowAddress: (ip) => relayAddressAllowed(ip, ctx.config.relayHosts),
      now: () => ctx.clock.now(),
    },
  );
}

/** Tests a configuration before it is saved; passwords come with the request. */
export async function testUnsavedRelay(
  ctx: AppContext,
  actor: Principal,
  input: RelayInput,
): Promise<RelayTestResult> {
  const a = input.authentication;
  if (a.type === 'oauth2')
    throw new AppError(
      'validation_failed',
      'authentication: save the relay and sign in before testing OAuth2',
      { authentication: 'OAuth2 relays are tested after sign-in' },
    );
  if (a.type === 'password' && a.password === undefined)
    throw invalidField(
      'authentication.password',
      'is required',
      'required',
      undefined,
      'authentication.password: is required to test',
    );
  const auth: ProbeAuth =
    a.type === 'password'
      ? { type: 'password', username: a.username, password: a.password! }
      : { type: 'none' };
  return run(ctx, actor.orgId, input, auth);
}

export async function testSavedRelay(ctx: AppContext, orgId: string, id: string): Promise<RelayTestResult> {
  const row = await relayRow(ctx, orgId, id);
  return run(ctx, orgId, inputOf(row), await relayCredentials(ctx, row));
}
