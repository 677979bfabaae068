import { describe, expect, it } from 'vitest';
import { groupSync } from '../../src/store/group-sync.js';

/** An fsync whose end the test decides, recording when each one started. */
function controlledSync() {
  const started: number[] = [];
  const finish: (() => void)[] = [];
  let clock = 0;
  const sync = () =>
    new Promise<void>((resolve) => {
      started.push(clock);
      finish.push(resolve);
    });
  return { sync, started, finish, tick: () => ++clock, now: () => clock };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('group sync', () => {
  it('answers every caller with an fsync that started after it asked, sharing one among waiters', async () => {
    const c = controlledSync();
    const synced = groupSync(c.sync);
    const answered: string[] = [];
    const first = synced().then(() => answered.push('first'));
    c.tick();
    // Three callers arrive while the first fsync runs: they share the next one.
    const late = [synced(), synced(), synced()].map((p, i) => p.then(() => answered.push(`late${i}`)));
    await settle();
    expect(c.started).toEqual([0]);
    c.finish[0]!();
    await first;
    await settle();
    expect(answered).toEqual(['first']);
    expect(c.started).toEqual([0, 1]);
    c.finish[1]!();
    await Promise.all(late);
    expect(answered.sort()).toEqual(['first', 'late0', 'late1', 'late2']);
    expect(c.started).toHaveLength(2);
  });

  it('starts afresh once idle, and a failed fsync fails only its own callers', async () => {
    let n = 0;
    const synced = groupSync(async () => {
      n++;
      if (n === 1) throw new Error('disk');
    });
    await expect(synced()).rejects.toThrow('disk');
    await expect(synced()).resolves.toBeUndefined();
    expect(n).toBe(2);
  });
});
