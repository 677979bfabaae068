/**
 * Scores the bounce parser on the shared corpus of real bounces, each half on its own (see
 * corpus-score.ts for the halves and how each figure is counted). The rules are tuned looking at half
 * A only, so half B stands for mail the parser has never seen; both must hold 95% class and 95% exact
 * status agreement. The corpus lives outside the project and is never copied into it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figuresOf, type Half, halfOf, type Score, scoreCorpus } from './corpus-score.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'corpora', 'bounces');
const present = existsSync(resolve(corpus, 'expected.json'));

describe('bounce corpus halves', () => {
  it('splits by file number, so a family with several files has some in each half', () => {
    expect(['x-01.eml', 'x-05.eml', 'x-09.eml', 'x-04.eml'].map(halfOf)).toEqual(['A', 'A', 'A', 'A']);
    expect(['x-03.eml', 'x-07.eml', 'x-11.eml', 'x-02.eml'].map(halfOf)).toEqual(['B', 'B', 'B', 'B']);
  });
});

describe('bounce corpus', () => {
  const name = present
    ? 'scores at least 95% class and 95% exact status agreement on each half'
    : `skipped: no bounce corpus at ${corpus}`;
  it.skipIf(!present)(
    name,
    async () => {
      const halves = await scoreCorpus(corpus);
      const misses = process.env.MAILROUTE_BOUNCE_MISSES ?? '';
      const report = (half: Half, label: string, s: Score) => {
        console.log(`bounce corpus half ${half} (${label}): ${JSON.stringify(figuresOf(s))}`);
        if (misses === half || misses === 'all') console.log(s.misses.join('\n'));
      };
      report('A', 'tuned on', halves.A);
      report('B', 'held out', halves.B);
      for (const s of [halves.A, halves.B]) {
        const f = figuresOf(s);
        expect(s.notBounceFailures).toEqual([]);
        expect(f.classAgreement).toBeGreaterThanOrEqual(95);
        expect(f.exactStatusAgreement).toBeGreaterThanOrEqual(95);
      }
    },
    120_000,
  );
});
