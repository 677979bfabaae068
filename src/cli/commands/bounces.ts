/**
 * `mailroute bounces parse <file...> [--json]`: runs the bounce parser on saved messages, to check
 * what a bounce will do to a delivery before it arrives. One JSON line per file with --json, a
 * table otherwise.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { BounceReport } from '../../domain/bounce-report.js';

function jsonLine(file: string, report: BounceReport): string {
  const recipients = report.recipients.map(
    ({ address, status, action, diagnosticCode, class: cls, reason }) => ({
      address,
      status,
      action,
      diagnosticCode,
      class: cls,
      reason,
    }),
  );
  return JSON.stringify({ file, kind: report.kind, recipients });
}

function table(file: string, report: BounceReport): string {
  const head = `${file}: ${report.kind}${report.originalMessageId ? ` (returned ${report.originalMessageId})` : ''}`;
  const rows = report.recipients.map((r) =>
    [
      `  ${(r.address || '(unknown)').padEnd(36)}`,
      r.class.padEnd(10),
      (r.status || '-').padEnd(8),
      (r.action || '-').padEnd(9),
      r.reason.padEnd(20),
      (r.ruleId ?? '').padEnd(24),
      r.diagnosticCode.slice(0, 80),
    ].join(' '),
  );
  return [head, ...(rows.length > 0 ? rows : ['  (no recipients)'])].join('\n');
}

export function registerBouncesCommand(program: Command): void {
  const bounces = program.command('bounces').description('inspect bounce messages');
  bounces
    .command('parse <file...>')
    .description('parse saved bounce messages (.eml) and show each recipient, status, class and reason')
    .option('--json', 'one JSON line per file')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const { parseBounce } = await import('../../bounces/parse.js');
      let failed = false;
      for (const file of files) {
        try {
          const report = await parseBounce(await readFile(file));
          console.log(opts.json ? jsonLine(file, report) : table(file, report));
        } catch (err) {
          failed = true;
          console.error(`mailroute: ${file}: ${(err as Error).message}`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
