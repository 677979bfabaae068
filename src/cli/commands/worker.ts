/** `mailroute worker`: a delivery worker without the HTTP server (scale out on PostgreSQL). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a delivery worker only (several may share one PostgreSQL database)')
    .action(async () => {
      const config = loadConfig();
      const { createApp, stopOnSignals } = await import('../../main.js');
      const { followParent } = await import('../../worker-processes.js');
      const app = await createApp(config, { http: false, existing: true });
      stopOnSignals(app, app.ctx.log);
      if (process.send) followParent(app, () => process.kill(process.pid, 'SIGTERM'));
      app.ctx.log.info({ event: 'worker.started', owner: app.worker?.owner }, 'delivery worker started');
    });
}
