import { describe, expect, it } from 'vitest';
import { batches } from '../../src/submission/batches.js';

describe('submission batches', () => {
  it('starts at once when quiet, and gathers what arrives meanwhile into the next batch', async () => {
    const seen: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const submit = batches<number, string>(
      async (items) => {
        seen.push(items);
        if (seen.length === 1) await first;
        return items.map((i) => `ok ${i}`);
      },
      { max: 3, inFlight: 1 },
    );
    const a = submit(1);
    const rest = [2, 3, 4, 5].map(submit);
    expect(seen).toEqual([[1]]);
    release();
    expect(await a).toBe('ok 1');
    expect(await Promise.all(rest)).toEqual(['ok 2', 'ok 3', 'ok 4', 'ok 5']);
    expect(seen).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('fails every message of a batch that fails, and goes on with the next', async () => {
    let calls = 0;
    const submit = batches<number, number>(
      async (items) => {
        calls++;
        if (calls === 1) throw new Error('disk full');
        return items;
      },
      { max: 10, inFlight: 1 },
    );
    const failed = submit(1);
    const later = submit(2);
    await expect(failed).rejects.toThrow('disk full');
    expect(await later).toBe(2);
  });
});
