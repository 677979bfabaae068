/**
 * The pure rules behind refusing a JSON body that is not UTF-8 (issue 14, point 13): where the
 * bytes stop being UTF-8 (agreeing with a fatal TextDecoder), and which field of the JSON that
 * position falls in.
 */
import { describe, expect, it } from 'vitest';
import { jsonPathAt } from '../../src/domain/json-path-at.js';
import { firstInvalidUtf8 } from '../../src/domain/utf8.js';

const fatal = new TextDecoder('utf-8', { fatal: true });
const decodes = (b: Uint8Array) => {
  try {
    fatal.decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('first byte that is not UTF-8', () => {
  it.each([
    ['plain ASCII', [0x61, 0x62], undefined],
    [
      'two, three and four byte characters',
      [0xc3, 0xa9, 0xe3, 0x81, 0x82, 0xf0, 0x9f, 0x98, 0x80],
      undefined,
    ],
    ['a Latin-1 é', [0x61, 0xe9, 0x62], 1],
    ['a stray continuation byte', [0x61, 0x80], 1],
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a UTF-16 surrogate', [0x61, 0x61, 0xed, 0xa0, 0x80], 2],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence at the end', [0x61, 0xe3, 0x81], 1],
    ['0xFF', [0xff], 0],
  ])('%s', (_name, bytes, expected) => {
    const b = Uint8Array.from(bytes);
    expect(firstInvalidUtf8(b)).toBe(expected);
    expect(decodes(b)).toBe(expected === undefined);
  });

  it('agrees with a fatal TextDecoder on every two-byte string', () => {
    for (let a = 0; a < 256; a++)
      for (let b = 0; b < 256; b++) {
        const bytes = Uint8Array.of(a, b);
        expect(firstInvalidUtf8(bytes) === undefined, `${a} ${b}`).toBe(decodes(bytes));
      }
  });
});

describe('the field a position of a JSON text falls in', () => {
  it.each([
    ['{"name":"ab', 'name'],
    ['{"a":1,"name":"x', 'name'],
    ['{"to":[{"email":"a@b"},{"email":"c', 'to.1.email'],
    ['{"headers":{"X-Tag":"v', 'headers.X-Tag'],
    ['{"list":["a","b","', 'list.2'],
    ['{"esc\\"aped":"', 'esc"aped'],
    ['{"a":"x,y:{z","b":"', 'b'],
    ['{"outer":{"ke', 'outer'],
    ['{"ke', undefined],
    ['"', undefined],
    ['', undefined],
  ])('%s → %s', (prefix, path) => {
    expect(jsonPathAt(prefix)).toBe(path);
  });
});
