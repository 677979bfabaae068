/**
 * SPF and DMARC as receivers evaluate them, with mailauth's own evaluators (never hand-written
 * ones), over mailroute's configured resolver. Results keep mailauth's names (`pass`, `fail`,
 * `softfail`, `neutral`, `none`, `temperror`, `permerror`). Relaxed alignment is mailauth's too:
 * its DMARC evaluation run against a stand-in `p=none` record, which queries nothing.
 */
import type { DnsResolver } from '../dns/resolver.js';
import type { DmarcResult, SpfResult } from '../domain/authentication-check.js';

// mailauth (with its DNS, certificate and HTTP dependencies) takes about a second of CPU to load:
// loaded at the first check, not by every process and test that imports the app.
const mailauth = () => import('mailauth');

type MailauthResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

const viaResolver =
  (dns: DnsResolver): MailauthResolver =>
  (name, rrtype) =>
    dns.resolve(name, rrtype) as Promise<string[][] | string[]>;

const spfResults = new Set<string>(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror']);

export interface SpfOutcome {
  result: SpfResult;
  record: string | null;
}

/** What a receiver's SPF check says for mail from `ip` with envelope sender `sender`. */
export async function evaluateSpf(dns: DnsResolver, sender: string, ip: string): Promise<SpfOutcome> {
  const { spf } = await mailauth();
  const r = await spf({
    sender,
    ip,
    helo: sender.split('@').pop(),
    mta: 'mailroute',
    resolver: viaResolver(dns),
  });
  const result = String(r.status.result);
  return {
    result: spfResults.has(result) ? (result as SpfResult) : 'neutral',
    record: r.rr ?? null,
  };
}

export interface DmarcOutcome {
  record: string | null;
  policy: string | null;
  result: DmarcResult;
}

/** The domain's DMARC verdict for mail whose SPF and DKIM passed for these domains. */
export async function evaluateDmarc(
  dns: DnsResolver,
  fromDomain: string,
  passed: { spf: string[]; dkim: string[] },
): Promise<DmarcOutcome> {
  const { dmarc } = await mailauth();
  const r = await dmarc({
    headerFrom: fromDomain,
    spfDomains: passed.spf,
    dkimDomains: passed.dkim.map((domain) => ({ domain })),
    resolver: viaResolver(dns),
  });
  if (!r) return { record: null, policy: null, result: 'none' };
  const result = String(r.status.result);
  return {
    record: r.rr ?? null,
    policy: r.policy ?? null,
    result: result === 'pass' || result === 'fail' || result === 'temperror' ? result : 'none',
  };
}

const standIn: MailauthResolver = async (name, rrtype) => {
  if (rrtype === 'TXT' && name.startsWith('_dmarc.')) return [['v=DMARC1; p=none']];
  throw Object.assign(new Error(`no ${rrtype} ${name}`), { code: 'ENOTFOUND' });
};

/** Whether `domain` is aligned with the From domain under relaxed alignment (same organizational domain). */
export async function relaxedAligned(fromDomain: string, domain: string): Promise<boolean> {
  const { dmarc } = await mailauth();
  const r = await dmarc({ headerFrom: fromDomain, spfDomains: [domain], dkimDomains: [], resolver: standIn });
  return r !== false && Boolean(r.alignment?.spf.result);
}
