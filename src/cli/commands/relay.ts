/** `mailroute relay test <id>`: the test connection of SPEC R5, printed step by step (or as JSON). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { AppError } from '../../domain/errors.js';
import type { RelayTestResult } from '../../schemas/relays.js';

function print(result: RelayTestResult, lang: 'en' | 'ja') {
  for (const s of result.steps) {
    console.log(
      `${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(5)} ${String(s.ms).padStart(5)} ms  ${s.reply?.split('\n')[0] ?? ''}`,
    );
    if (s.detail) console.log(`           ${s.detail}`);
    if (s.explanation) console.log(`           ${s.explanation[lang]}`);
  }
  console.log(
    result.ok ? 'the relay accepts mail from mailroute' : 'the relay cannot take mail from mailroute',
  );
}

export function registerRelayCommand(program: Command): void {
  const relay = program.command('relay').description('relays');
  relay
    .command('test <id>')
    .description(
      'test the connection to a saved relay: DNS, TCP, TLS, EHLO, AUTH, MAIL FROM (no mail is sent)',
    )
    .option('--json', 'print the result as JSON')
    .option('--lang <lang>', 'language of the explanations: en or ja', 'en')
    .action(async (id: string, opts: { json?: boolean; lang: string }) => {
      const config = loadConfig();
      const { openContext } = await import('../../open-context.js');
      const { testSavedRelay } = await import('../../services/relay-test.js');
      const ctx = await openContext(config, { existing: true });
      try {
        const row = await ctx.store.db
          .selectFrom('relays')
          .select('org_id')
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!row) throw new AppError('not_found', `relay ${id} not found`);
        const result = await testSavedRelay(ctx, row.org_id, id);
        if (opts.json) console.log(JSON.stringify(result));
        else print(result, opts.lang === 'ja' ? 'ja' : 'en');
        process.exitCode = result.ok ? 0 : 1;
      } finally {
        await ctx.store.close();
      }
    });
}
