/**
 * `mailroute demo`: mailroute running at once, with nothing to set up. It starts the service on a
 * fresh data directory with loopback SMTP sinks standing in for two relays and for platform
 * delivery, sets up a domain and the relays through the API, sends one message of each type, a
 * personalized mass email and one that bounces, and prints how to sign in. Ctrl-C stops it and
 * removes the data directory. Nothing leaves the machine: every server it talks to is on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { LogLine } from '../demo/scenario.js';
import type { Sink } from '../demo/sink.js';

interface DemoOptions {
  port: string;
  keep?: boolean;
}

function table(lines: LogLine[]): string {
  const rows = [...lines].reverse().map((l) => [l.type, l.recipient, l.status, l.routeName ?? '', l.subject]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 4));
  return rows.map((r) => `  ${r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ')}`).join('\n');
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run mailroute with loopback relays, sample mail and a bounce, to try it at once')
    .option('-p, --port <port>', 'HTTP port of the API and console (0: any free port)', '8080')
    .option('--keep', 'keep the data directory when stopping')
    .action(async (opts: DemoOptions) => {
      const { createApp } = await import('../../main.js');
      const { startSink } = await import('../demo/sink.js');
      // The scenario imports the sink, and with it the SMTP server library: loaded by this command
      // only, not by every command of the CLI.
      const { demoDomain, sendSamples, settled, setUp } = await import('../demo/scenario.js');
      const dir = mkdtempSync(join(tmpdir(), 'mailroute-demo-'));
      const sinks: Sink[] = [];
      const say = (line: string) => process.stdout.write(`${line}\n`);
      const apiKey = `demo_${randomBytes(18).toString('base64url')}`;
      const password = randomBytes(9).toString('base64url');
      const adminEmail = `admin@${demoDomain}`;
      const onMessage = () => {};
      const [capped, backup, platform] = await Promise.all(
        ['office relay', 'campaign relay', 'platform'].map((n) => startSink(n, onMessage)),
      );
      sinks.push(capped!, backup!, platform!);
      const config = loadConfig({
        MAILROUTE_DATA_DIR: dir,
        MAILROUTE_HTTP_HOST: '127.0.0.1',
        MAILROUTE_BOUNCE_SMTP_HOST: '127.0.0.1',
        MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform!.port}`,
        MAILROUTE_DOMAIN_VERIFICATION: 'off',
        MAILROUTE_RELAY_PORTS: 'any',
        MAILROUTE_WORKER_PROCESSES: '1',
        // No fixed port beyond --port: a demo must not collide with a mailroute already running.
        MAILROUTE_SUBMISSION_PORT: 'off',
        MAILROUTE_BOOTSTRAP_API_KEY: apiKey,
        MAILROUTE_BOOTSTRAP_ADMIN_EMAIL: adminEmail,
        MAILROUTE_BOOTSTRAP_ADMIN_PASSWORD: password,
        MAILROUTE_LOG_LEVEL: 'error',
      });
      const app = await createApp(config, { bouncePort: 0 });
      let stopping = false;
      const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        say('\nstopping the demo…');
        await app.close();
        await Promise.all(sinks.map((s) => s.close()));
        if (opts.keep) say(`kept the data directory ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
        say('stopped');
        process.exit(code);
      };
      process.on('SIGINT', () => void stop(0));
      process.on('SIGTERM', () => void stop(0));
      try {
        const port = await app.listen(Number(opts.port));
        const api = { baseUrl: `http://127.0.0.1:${port}`, apiKey };
        say(`mailroute demo: data in ${dir}`);
        say(
          `sinks on 127.0.0.1: office relay :${capped!.port} (cap 3/day), campaign relay :${backup!.port}, platform :${platform!.port}`,
        );
        await setUp(api, { capped: capped!.port, backup: backup!.port });
        const sent = await sendSamples(api);
        say(
          `sent ${sent.messageIds.length} messages (${sent.deliveries} deliveries); waiting for their outcome…`,
        );
        const log = await settled(api, sent.deliveries, 30_000);
        say(table(log));
        say('');
        say(`Console:  ${api.baseUrl}/`);
        say(`Sign in:  ${adminEmail}  /  ${password}`);
        say(`API key:  ${apiKey}`);
        say(`Try:      curl -H 'Authorization: Bearer ${apiKey}' ${api.baseUrl}/api/v1/messages`);
        say('Press Ctrl-C to stop; the demo data is then removed.');
      } catch (err) {
        process.stderr.write(`mailroute demo: ${(err as Error).message}\n`);
        await stop(1);
      }
    });
}
