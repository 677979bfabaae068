/**
 * The `mailroute` command line: start the service, run migrations, manage orgs and their keys, test
 * relays, parse bounces. Configuration
 * errors print what is wrong with which key and exit with status 2.
 *
 * Each command loads the libraries it needs when it runs (`await import`), so that a command on the
 * database does not load the HTTP server, the SMTP servers and the mail parsers of `start`.
 */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/load.js';
import { AppError } from '../domain/errors.js';
import { registerBouncesCommand } from './commands/bounces.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDnsCommand } from './commands/dns.js';
import { registerKeyCommand } from './commands/key.js';
import { registerOrgCommand } from './commands/org.js';
import { registerRelayCommand } from './commands/relay.js';
import { registerSendCommand } from './commands/send.js';
import { registerShapingCommand } from './commands/shaping.js';
import { registerSmtpCommand } from './commands/smtp.js';
import { registerWorkerCommand } from './commands/worker.js';

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    console.error(`mailroute: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof AppError) {
    console.error(`mailroute: ${err.message}`);
    process.exit(1);
  }
  console.error(`mailroute: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
}

const program = new Command()
  .name('mailroute')
  .description('Outbound email relay gateway: routes mail through your own SMTP relays, with fallback.')
  .showHelpAfterError();

program
  .command('start')
  .description('run the HTTP API, the console, the bounce listener and a delivery worker')
  .option('-p, --port <port>', 'HTTP port (overrides MAILROUTE_HTTP_PORT)')
  .action(async (opts: { port?: string }) => {
    const config = loadConfig(opts.port ? { ...process.env, MAILROUTE_HTTP_PORT: opts.port } : process.env);
    const { createApp, stopOnSignals } = await import('../main.js');
    const { startWorkerProcesses } = await import('../worker-processes.js');
    const app = await createApp(config);
    const children = startWorkerProcesses(app, config.workerProcesses - 1);
    const closeAll = async () => {
      await children.stop();
      await app.close();
    };
    stopOnSignals({ ...app, close: closeAll }, app.ctx.log);
    await app.listen();
  });

program
  .command('migrate')
  .description('bring the database schema up to date and exit')
  .action(async () => {
    const config = loadConfig();
    const { openContext } = await import('../open-context.js');
    const ctx = await openContext(config);
    await ctx.store.close();
    console.log(`database is up to date (${ctx.store.dialect})`);
  });

registerOrgCommand(program);
registerKeyCommand(program);
registerWorkerCommand(program);
registerSendCommand(program);
registerRelayCommand(program);
registerBouncesCommand(program);
registerDemoCommand(program);
registerSmtpCommand(program);
registerShapingCommand(program);
registerDnsCommand(program);

program.parseAsync(process.argv).catch(fail);
