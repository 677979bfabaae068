/** `mailroute worker`: a delivery worker without the HTTP server (scale out on PostgreSQL). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { createApp, stopOnSignals } from '../../main.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a delivery worker only (several may share one PostgreSQL database)')
    .action(async () => {
      const app = await createApp(loadConfig(), { http: false });
      stopOnSignals(app, app.ctx.log);
      app.ctx.log.info({ event: 'worker.started', owner: app.worker?.owner }, 'delivery worker started');
    });
}
