/**
 * What MTA-STS (RFC 8461, issue 21) adds to a platform attempt: the deferral when an `enforce`
 * policy names none of the domain's MX hosts, the log of what `enforce` would have refused under
 * `testing`. The TLS of each attempt's connection is recorded by `attempt-tls.ts`.
 */
import type { AppContext } from '../context.js';
import type { MtaStsPolicy } from '../domain/mta-sts.js';
import { type Classification, classifyReply } from '../domain/smtp-reply.js';

/** An `enforce` policy names none of the MX hosts: deferred, nothing sent (rule `mx.mta-sts-mismatch`). */
export function mtaStsMismatch(domain: string, hosts: string[]): { c: Classification; text: string } {
  const text = `451 4.7.5 MTA-STS policy of ${domain} (enforce) names none of its MX hosts: ${hosts.join(', ')}`;
  return { c: classifyReply({ path: 'platform', command: 'connect', errorKind: 'EMTASTS', text }), text };
}

/** MX hosts the policy does not name: under `testing` delivered anyway, logged as enforce would refuse. */
export function stsRefusedLog(ctx: AppContext, domain: string, policy: MtaStsPolicy, hosts: string[]): void {
  if (policy.mode === 'testing')
    ctx.log.warn(
      { event: 'mta_sts.testing_would_refuse', domain, policyId: policy.id, hosts },
      'MTA-STS testing: enforce would refuse these MX hosts',
    );
  else
    ctx.log.warn(
      { event: 'mta_sts.mx_refused', domain, policyId: policy.id, hosts },
      'MTA-STS enforce: MX hosts not named by the policy are left out',
    );
}
