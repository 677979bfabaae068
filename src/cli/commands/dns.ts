/**
 * `mailroute dns check <domain>`: SPF per hop, DKIM, DMARC and what to fix (SPEC R21), or as JSON;
 * and `mailroute dns platform-key` (dns-platform-key.ts).
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { DnsCheck } from '../../services/dns-check.js';
import { registerPlatformKeyCommand } from './dns-platform-key.js';

function print({ relay, check: c }: DnsCheck, lang: 'en' | 'ja') {
  console.log(
    relay
      ? `${c.domain} through relay "${relay.name}" (${relay.host}, ${relay.id})`
      : `${c.domain} through platform delivery`,
  );
  console.log(`  return path   ${c.returnPath}`);
  for (const h of c.hops) {
    const hop = `${h.from} → ${h.to}`;
    console.log(
      `  SPF ${hop.padEnd(20)} ${h.spf.result.padEnd(9)} ${h.spf.domain} for ${h.spf.ip ?? '(no address)'}`,
    );
  }
  const r = c.dkim.record;
  console.log(
    `  DKIM          ${c.dkim.signing ? `signs d=${c.dkim.domain}, ${c.dkim.aligned ? 'aligned' : 'not aligned'}` : 'not signed'}; record ${r.name ?? '(no key)'} ${r.valid ? 'valid' : r.found ? 'WRONG KEY' : 'not found'}`,
  );
  console.log(
    `  DMARC         ${c.dmarc.result}${c.dmarc.policy ? ` (p=${c.dmarc.policy})` : ''}  ${c.dmarc.record ?? '(no record)'}`,
  );
  console.log(
    `  verification  ${c.verification.record.name} ${c.verification.found ? 'found' : 'not found'}`,
  );
  for (const f of c.findings)
    console.log(`  ${f.severity.toUpperCase().padEnd(7)} ${f.code}: ${f.message[lang]}`);
}

export function registerDnsCommand(program: Command): void {
  const dns = program.command('dns').description('DNS records of sending domains');
  dns
    .command('check <domain>')
    .description("what receivers' SPF, DKIM and DMARC checks will say of the domain's mail, and what to fix")
    .option('--relay <id>', 'check this relay only (default: every relay of the domain)')
    .option('--org <id>', 'the org, when several hold the domain')
    .option('--json', 'print one JSON line per check')
    .option('--lang <lang>', 'language of the findings: en or ja', 'en')
    .action(async (domain: string, opts: { relay?: string; org?: string; json?: boolean; lang: string }) => {
      const config = loadConfig();
      const { openContext } = await import('../../open-context.js');
      const { dnsCheck } = await import('../../services/dns-check.js');
      const ctx = await openContext(config, { existing: true });
      try {
        const checks = await dnsCheck(ctx, domain, { relayId: opts.relay, orgId: opts.org });
        for (const c of checks) {
          if (opts.json) console.log(JSON.stringify({ orgId: c.orgId, relay: c.relay, ...c.check }));
          else print(c, opts.lang === 'ja' ? 'ja' : 'en');
        }
        const failing = checks.some((c) => c.check.findings.some((f) => f.severity === 'error'));
        process.exitCode = failing ? 1 : 0;
      } finally {
        await ctx.store.close();
      }
    });
  registerPlatformKeyCommand(dns);
}
