/** `mailroute key create --org <org> [--role admin|send] [--name N]`: an org's API key, printed once. */
import { type Command, Option } from 'commander';
import { withDatabase } from './org.js';

export function registerKeyCommand(program: Command): void {
  const key = program.command('key').description("manage an org's API keys");
  key
    .command('create')
    .description('create an API key in an org; prints it once (only its hash is kept)')
    .requiredOption('--org <org>', 'org id or name')
    .addOption(new Option('--role <role>', 'admin or send').choices(['admin', 'send']).default('send'))
    .option('--name <name>', 'a name to tell the key apart', 'operator')
    .action(async (o: { org: string; role: 'admin' | 'send'; name: string }) => {
      const { insertApiKey } = await import('../../services/api-keys.js');
      const { resolveOrg } = await import('../../services/operator-orgs.js');
      const created = await withDatabase(async (ctx) => {
        const org = await resolveOrg(ctx.store.db, o.org);
        return { org, key: await insertApiKey(ctx, org.id, 'system', { name: o.name, role: o.role }) };
      });
      console.log(
        JSON.stringify({
          org: created.org.id,
          id: created.key.id,
          name: created.key.name,
          role: created.key.role,
          prefix: created.key.prefix,
          key: created.key.key,
        }),
      );
      console.error('mailroute: the key above is shown only now');
    });
}
