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

describe('mailroute bounces parse', () => {
  it('prints one JSON line per file with --json', async () => {
    const files = [join(fixtures, 'qmail.eml'), join(fixtures, 'arf.eml')];
    const lines = await run(['bounces', 'parse', ...files, '--json']);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      file: files[0],
      kind: 'dsn',
      recipients: [
        expect.objectContaining({
          address: 'nobody@example.com',
          status: '5.1.1',
          action: 'failed',
          class: 'hard',
        }),
        expect.objectContaining({ address: 'lost@no-such-domain.example', status: '5.1.2', class: 'hard' }),
      ],
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ kind: 'arf', recipients: [{ class: 'complaint' }] });
  });

  it('prints a readable table otherwise', async () => {
    const [out] = await run(['bounces', 'parse', join(fixtures, 'exim.eml')]);
    expect(out).toContain('exim.eml: dsn (returned <m2@mailroute.test>)');
    expect(out).toMatch(/full@example\.com\s+soft\s+4\.2\.2\s+failed/);
  });
});
