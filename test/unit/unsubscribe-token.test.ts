import { describe, expect, it } from 'vitest';
import { pickLanguage } from '../../src/domain/accept-language.js';
import { RateWindow } from '../../src/domain/rate-window.js';
import { scopeOf, scopesStopping, widens } from '../../src/domain/suppressions.js';
import {
  listUnsubscribeHeaders,
  mailtoToken,
  parseUnsubscribeToken,
  unsubscribeMailto,
  unsubscribeToken,
} from '../../src/domain/unsubscribe-token.js';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const delivery = 'dlv_abcdefghijklmnopqrstuvwxyz';

describe('unsubscribe tokens', () => {
  it('name the delivery they were made for, under the key they were made with', () => {
    const token = unsubscribeToken(delivery, key);
    expect(token).toMatch(/^abcdefghijklmnopqrstuvwxyz-[a-z2-7]{16}$/);
    expect(parseUnsubscribeToken(token, key)).toBe(delivery);
    expect(parseUnsubscribeToken(token.toUpperCase(), key)).toBe(delivery);
    expect(parseUnsubscribeToken(token, otherKey)).toBeUndefined();
  });

  it.each([
    ['another delivery id with the same MAC', (t: string) => `b${t.slice(1)}`],
    ['a changed MAC', (t: string) => `${t.slice(0, -1)}${t.endsWith('a') ? 'b' : 'a'}`],
    ['a cut MAC', (t: string) => t.slice(0, -2)],
    ['no MAC', (t: string) => t.split('-')[0]!],
    ['characters outside base32', (t: string) => `${t.slice(0, -1)}1`],
  ])('refuse %s', (_name, alter) => {
    expect(parseUnsubscribeToken(alter(unsubscribeToken(delivery, key)), key)).toBeUndefined();
  });

  it('fit the local part of the mailto address, and are found in it again', () => {
    const token = unsubscribeToken(delivery, key);
    const address = unsubscribeMailto(token, 'bounces.example');
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    expect(mailtoToken(address.toUpperCase())).toBe(token);
    expect(mailtoToken('bounces+x@bounces.example')).toBeUndefined();
  });
});

describe('the List-Unsubscribe header fields', () => {
  const base = { token: 'tok', publicUrl: 'https://mail.example/', bounceDomain: 'b.example' };
  it('are the https URL and the mailto address, with the one-click Post', () => {
    expect(listUnsubscribeHeaders(base)).toEqual([
      ['List-Unsubscribe', '<https://mail.example/u/tok>, <mailto:unsubscribe+tok@b.example>'],
      ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    ]);
  });
  it('offer no one-click Post when the public URL is plain http (RFC 8058 needs https)', () => {
    expect(listUnsubscribeHeaders({ ...base, publicUrl: 'http://localhost:8025' })).toEqual([
      ['List-Unsubscribe', '<http://localhost:8025/u/tok>, <mailto:unsubscribe+tok@b.example>'],
    ]);
  });
  it.each([
    ['<https://crm.example/u/1>', [['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click']]],
    [
      '<mailto:x@crm.example>, <https://crm.example/u/1>',
      [['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click']],
    ],
    ['<mailto:x@crm.example>', []],
    ['<http://crm.example/u/1>', []],
  ])("keep the submitter's own %s and add only the Post it allows", (given, expected) => {
    expect(listUnsubscribeHeaders({ ...base, given })).toEqual(expected);
  });
});

describe('page language', () => {
  it.each([
    [undefined, 'en'],
    ['ja', 'ja'],
    ['ja-JP,ja;q=0.9,en;q=0.8', 'ja'],
    ['en-US,en;q=0.9,ja;q=0.8', 'en'],
    ['fr, ja;q=0.5', 'ja'],
    ['fr', 'en'],
    ['ja;q=0, en;q=0.1', 'en'],
  ])('%s gives %s', (header, lang) => {
    expect(pickLanguage(header)).toBe(lang);
  });
});

describe('the rate window', () => {
  it('allows the limit per window and per key, then tells how long to wait', () => {
    const w = new RateWindow(2, 1000);
    expect([w.hit('a', 0), w.hit('a', 10), w.hit('a', 400), w.hit('b', 400)]).toEqual([0, 0, 600, 0]);
    expect(w.hit('a', 1000)).toBe(0);
  });
  it('stays bounded in size', () => {
    const w = new RateWindow(1, 1000, 3);
    for (const k of ['a', 'b', 'c', 'd']) w.hit(k, 0);
    expect(w.hit('a', 1)).toBe(0);
  });
});

describe('suppression scopes', () => {
  it('make unsubscribes stop mass email only', () => {
    expect(scopeOf('unsubscribe')).toBe('mass');
    expect(scopeOf('hard-bounce')).toBe('all');
    expect(scopesStopping('mass')).toEqual(['all', 'mass']);
    expect(scopesStopping('individual')).toEqual(['all']);
    expect(scopesStopping('workflow')).toEqual(['all']);
    expect(widens('mass', 'all')).toBe(true);
    expect(widens('all', 'mass')).toBe(false);
  });
});

describe('CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF, LF, a BOM and blank lines', async () => {
    const { parseCsv } = await import('../../src/domain/csv.js');
    expect(parseCsv('\uFEFFa,b\r\n"x,1","say ""hi"""\n\n"multi\nline",\n')).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['multi\nline', ''],
    ]);
    expect(() => parseCsv('"open')).toThrow(/not closed/);
  });
  it('writes what it reads, guarding formula cells where asked', async () => {
    const { csvRecord, parseCsv } = await import('../../src/domain/csv.js');
    const values = ['a,b', 'q"q', '=SUM(A1)'];
    expect(parseCsv(csvRecord(values))).toEqual([values]);
    expect(csvRecord(['=1+1', '@x'], [true, false])).toBe("'=1+1,@x");
  });
});
