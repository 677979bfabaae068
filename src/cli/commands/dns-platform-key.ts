/**
 * `mailroute dns platform-key [--datacenter D] [--json]`: the platform's DKIM key of each data
 * center and the TXT record to publish at its bounce domain (SPEC R15), made now if it was not yet.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { PlatformDkimView } from '../../schemas/datacenters.js';

function print(k: PlatformDkimView) {
  console.log(`data center ${k.dataCenter}: platform delivery signs as d=${k.domain}`);
  console.log(`  selector   ${k.selector}`);
  console.log(`  algorithm  ${k.algorithm}`);
  console.log(`  type       ${k.dnsRecord.type}`);
  console.log(`  name       ${k.dnsRecord.name}`);
  console.log(`  value      ${k.dnsRecord.value}`);
}

export function registerPlatformKeyCommand(dns: Command): void {
  dns
    .command('platform-key')
    .description(
      "the DKIM record of the platform's key, which signs platform delivery of domains without a key of their own",
    )
    .option('--datacenter <id>', 'this data center only (default: every configured data center)')
    .option('--json', 'print one JSON line per data center')
    .action(async (opts: { datacenter?: string; json?: boolean }) => {
      const config = loadConfig();
      const { openContext } = await import('../../open-context.js');
      const { platformDkim } = await import('../../services/platform-keys.js');
      const ctx = await openContext(config, { existing: true });
      try {
        const ids = opts.datacenter ? [opts.datacenter] : ctx.config.dataCenters.map((dc) => dc.id);
        for (const id of ids) {
          const key = await platformDkim(ctx, id);
          if (opts.json) console.log(JSON.stringify(key));
          else print(key);
        }
      } finally {
        await ctx.store.close();
      }
    });
}
