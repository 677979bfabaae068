/**
 * Every bounce reason has words: a console label in English and in Japanese (distinct within each
 * language, so the reason filter never offers two alike) and an English meaning for the API.
 */
import { describe, expect, it } from 'vitest';
import { reasonMeaning } from '../../src/domain/bounce-reason-meanings.js';
import { bounceReasons } from '../../src/domain/bounce-reasons.js';
import { en } from '../../web/src/i18n/en.js';
import { ja } from '../../web/src/i18n/ja.js';

const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('bounce reason labels', () => {
  it.each([
    ['en', en.bounceReasons as Record<string, string>],
    ['ja', ja.bounceReasons as Record<string, string>],
  ])('the %s catalogue labels exactly the reasons of the taxonomy, each differently', (lang, labels) => {
    expect(Object.keys(labels).sort()).toEqual([...bounceReasons].sort());
    for (const r of bounceReasons) {
      const label = labels[r]!;
      expect(label.trim(), r).not.toBe('');
      expect(label, r).not.toBe(r);
      if (lang === 'ja') expect(label, r).toMatch(japanese);
      else expect(label, r).not.toMatch(japanese);
    }
    expect(new Set(Object.values(labels)).size).toBe(bounceReasons.length);
  });

  it('gives the Japanese words the console was asked for', () => {
    expect(ja.bounceReasons['user-unknown']).toBe('宛先不明');
    expect(ja.bounceReasons['mailbox-full']).toBe('メールボックス容量超過');
    expect(ja.bounceReasons.filtered).toBe('フィルタで拒否');
  });

  it('gives every reason an English meaning for the API and the docs', () => {
    expect(Object.keys(reasonMeaning).sort()).toEqual([...bounceReasons].sort());
    for (const r of bounceReasons) expect(reasonMeaning[r].length, r).toBeGreaterThan(10);
  });
});
