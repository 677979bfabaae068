/**
 * Extra delivery workers as child processes of `mailroute start`, so delivery uses every core on
 * the embedded default as on PostgreSQL. Children share the database (claims are atomic on both
 * dialects), are woken when mail is queued and told when an org's relays change, stop when the
 * parent stops or dies (their IPC channel closes), and are restarted if they crash.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { App } from './main.js';

export interface WorkerProcesses {
  stop(): Promise<void>;
}

export function startWorkerProcesses(app: App, count: number, script = process.argv[1]!): WorkerProcesses {
  const { log } = app.ctx;
  const children = new Set<ChildProcess>();
  let stopping = false;
  const spawnOne = () => {
    const child = fork(script, ['worker'], {
      env: { ...process.env, MAILROUTE_WORKER_CHILD: '1' },
      stdio: 'inherit',
    });
    children.add(child);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (stopping) return;
      log.error(
        { event: 'worker.child_exited', code, signal },
        'a delivery worker process stopped; starting another',
      );
      setTimeout(() => !stopping && spawnOne(), 1000).unref();
    });
  };
  for (let i = 0; i < count; i++) spawnOne();
  const send = (m: unknown) => {
    for (const c of children) if (c.connected) c.send(m as object, undefined, {}, () => {});
  };
  const unsubscribe = [
    app.ctx.events.onQueued(() => send({ t: 'wake' })),
    app.ctx.events.onOrgChanged((orgId) => send({ t: 'org', orgId })),
  ];
  return {
    async stop() {
      stopping = true;
      for (const u of unsubscribe) u();
      const exits = [...children].map(
        (c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve))),
      );
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(exits);
    },
  };
}

/** In a child: obey the parent's messages, and stop when the parent goes away. */
export function followParent(app: App, stop: () => void): void {
  process.on('message', (m: { t?: string; orgId?: string }) => {
    if (m?.t === 'wake') app.worker?.wake();
    else if (m?.t === 'org' && m.orgId) app.ctx.events.orgChanged(m.orgId);
  });
  process.on('disconnect', stop);
}
