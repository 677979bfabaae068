/** `mailroute bounces parse` shows each recipient's bounce reason, in JSON and in the table. */
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerBouncesCommand } from '../../src/cli/commands/bounces.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'bounces');

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
  try {
    const program = new Command().exitOverride();
    registerBouncesCommand(program);
    await program.parseAsync(['node', 'mailroute', ...args]);
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('mailroute bounces parse: reasons', () => {
  it('gives each recipient its reason with --json', async () => {
    const names = ['qmail', 'exim', 'arf', 'auto-reply'];
    const lines = await run(['bounces', 'parse', ...names.map((n) => join(fixtures, `${n}.eml`)), '--json']);
    const reasons = lines.map((l) =>
      (JSON.parse(l) as { recipients: { address: string; reason: string }[] }).recipients.map((r) => [
        r.address,
        r.reason,
      ]),
    );
    expect(reasons).toEqual([
      [
        ['nobody@example.com', 'user-unknown'],
        ['lost@no-such-domain.example', 'host-unknown'],
      ],
      [['full@example.com', 'mailbox-full']],
      [['reader@isp.example', 'feedback']],
      [['reader@example.com', 'vacation']],
    ]);
  });

  it('shows the reason in the table', async () => {
    const [out] = await run(['bounces', 'parse', join(fixtures, 'exim.eml')]);
    expect(out).toMatch(/full@example\.com\s+soft\s+4\.2\.2\s+failed\s+mailbox-full\b/);
  });
});
