/**
 * `mailroute shaping rules [--json]` prints the destination shaping rules in force (issue 21), the
 * operator's file (`MAILROUTE_SHAPING`) first, as `smtp rules` prints the reply rules.
 * `mailroute shaping status [--json]` adds each destination's state over all worker processes;
 * `mailroute shaping resume <id>` ends its pause and halved rate now.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { ShapingRule } from '../../domain/shaping.js';
import { withDatabase } from './org.js';

function pushbackText(rule: ShapingRule): string {
  return rule.pushback
    .map((p) => {
      const when = [p.reply && `/${p.reply}/`, p.classifiedAs && `classified ${p.classifiedAs}`]
        .filter(Boolean)
        .join(' and ');
      const what =
        p.action.kind === 'pause'
          ? `pause ${p.action.minutes} min`
          : `halve, recover every ${p.action.recoverMinutes} min`;
      return `${when} → ${what}`;
    })
    .join('; ');
}

function ruleLine(r: ShapingRule): string {
  const match = [...r.domains, ...r.mxSuffixes.map((s) => `MX ${s}`)].join(', ');
  const rate = r.ratePerMinute === null ? 'no rate' : `${r.ratePerMinute}/min`;
  return `${r.id.padEnd(12)} ${`${r.maxConnections} conn`.padEnd(8)} ${`${r.messagesPerConnection} msg/conn`.padEnd(14)} ${rate.padEnd(10)} ${match}\n${''.padEnd(13)}pushback: ${pushbackText(r) || 'none'}`;
}

export function registerShapingCommand(program: Command): void {
  const shaping = program.command('shaping').description('destination shaping on direct delivery');
  shaping
    .command('rules')
    .description('list the shaping rules in force, in the order they are matched')
    .option('--json', 'one JSON line per rule')
    .action((opts: { json?: boolean }) => {
      for (const r of loadConfig().shaping) console.log(opts.json ? JSON.stringify(r) : ruleLine(r));
    });
  shaping
    .command('status')
    .description("each destination's connections in use, rate and pause, over all worker processes")
    .option('--json', 'one JSON line per destination')
    .action(async (opts: { json?: boolean }) => {
      const { listDestinations } = await import('../../services/destinations.js');
      await withDatabase(async (ctx) => {
        for (const d of await listDestinations(ctx)) {
          if (opts.json) {
            console.log(JSON.stringify(d));
            continue;
          }
          const rate =
            d.currentRatePerMinute === null ? '-' : `${d.sentLastMinute}/${d.currentRatePerMinute} per min`;
          const paused = d.pausedUntil ? `paused until ${d.pausedUntil} (${d.pausedBy ?? ''})` : 'open';
          console.log(
            `${d.id.padEnd(12)} ${`${d.connectionsInUse}/${d.maxConnections} conn`.padEnd(10)} ${rate.padEnd(18)} ${paused}`,
          );
        }
      });
    });
  shaping
    .command('resume')
    .description("end a destination's pause and halved rate now")
    .argument('<id>', 'the destination (rule id)')
    .action(async (id: string) => {
      const { resumeNow } = await import('../../services/destinations.js');
      await withDatabase(async (ctx) => {
        await resumeNow(ctx, 'operator', id);
        console.log(`destination ${id} resumed`);
      });
    });
}
