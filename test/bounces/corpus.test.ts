/**
 * Scores the bounce parser on the shared corpus of real bounces (see corpus-score.ts for how each
 * figure is counted). The corpus lives outside the project and is never copied into it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { percent, scoreCorpus } from './corpus-score.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'corpora', 'bounces');
const present = existsSync(resolve(corpus, 'expected.json'));

describe('bounce corpus', () => {
  const name = present
    ? 'scores at least 95% class and 90% exact status agreement'
    : `skipped: no bounce corpus at ${corpus}`;
  it.skipIf(!present)(
    name,
    async () => {
      const s = await scoreCorpus(corpus);
      const figures = {
        messages: s.messages,
        recipients: s.recipients,
        classAgreement: percent(s.classAgree, s.recipients),
        exactStatusAgreement: percent(s.exactAgree, s.exactTotal),
        exactStatusCounted: s.exactTotal,
        statusDigitAgreement: percent(s.digitAgree, s.digitTotal),
        recipientCountAgreement: percent(s.count, s.messages),
      };
      console.log(`bounce corpus: ${JSON.stringify(figures)}`);
      if (process.env.MAILROUTE_BOUNCE_MISSES) console.log(s.misses.join('\n'));
      expect(s.notBounceFailures).toEqual([]);
      expect(figures.classAgreement).toBeGreaterThanOrEqual(95);
      expect(figures.exactStatusAgreement).toBeGreaterThanOrEqual(90);
    },
    120_000,
  );
});
