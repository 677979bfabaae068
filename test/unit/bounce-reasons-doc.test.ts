/**
 * docs/bounces.md lists the bounce reasons as the code has them: every reason once, in order, with
 * its class (`reasonClass`), its meaning and its Japanese console words. Regenerate the table when
 * a reason or its class changes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonMeaning } from '../../src/domain/bounce-reason-meanings.js';
import { bounceReasons, reasonClass } from '../../src/domain/bounce-reasons.js';
import { ja } from '../../web/src/i18n/ja.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'bounces.md'), 'utf8');

describe('docs/bounces.md', () => {
  it('has the table of bounce reasons as the code has them', () => {
    const section = doc.slice(doc.indexOf('## Bounce reasons'), doc.indexOf('## What a report does'));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` +\| `([a-z-]+)` +\| (.+?) +\| (.+?) +\|$/gm)].map(
      (m) => m.slice(1, 5),
    );
    expect(rows).toEqual(
      bounceReasons.map((r) => [r, reasonClass[r], reasonMeaning[r], ja.bounceReasons[r]]),
    );
  });
});
