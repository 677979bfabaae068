/** `mailroute worker`: a delivery worker without the HTTP server (scale out on PostgreSQL). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { createApp, stopOnSignals } from '../../main.js';
import { followParent } from '../../worker-processes.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a delivery worker only (several may share one PostgreSQL database)')
    .action(async () => {
      const app = await createApp(loadConfig(), { http: false, existing: true });
      stopOnSignals(app, app.ctx.log);
      if (process.send) followParent(app, () => process.kill(process.pid, 'SIGTERM'));
      app.ctx.log.info({ event: 'worker.started', owner: app.worker?.owner }, 'delivery worker started');
    });
}
