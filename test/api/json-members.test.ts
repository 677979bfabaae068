import { describe, expect, it } from 'vitest';
import { JsonMembers, type JsonPiece } from '../../src/api/json-members.js';

/** Feeds `text` in pieces cut at the given byte offsets; returns what came out. */
function read(text: string, cuts: number[], limit = 1 << 20): JsonPiece[] {
  const bytes = Buffer.from(text);
  const m = new JsonMembers('recipients', limit);
  const out: JsonPiece[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...m.push(bytes.subarray(at, cut)));
    at = cut;
  }
  m.end();
  return out;
}

const body = {
  from: 'news@sakura.com',
  subject: 'Hi {{name}} "quoted" \\ back',
  recipients: [
    { address: 'a@example.net', fields: { name: 'Ann [x] {y}', n: -1.5e3 } },
    { address: 'b@example.net', notice: 'é, 日本, 😀' },
  ],
  metadata: { n: 1, ok: true, none: null },
  text: 'x',
};

describe('reading a JSON body member by member', () => {
  it('gives every member and element as JSON.parse does, wherever the chunks are cut', () => {
    const text = JSON.stringify(body, null, 1);
    const expected = [
      { kind: 'member', key: 'from', value: body.from },
      { kind: 'member', key: 'subject', value: body.subject },
      { kind: 'list', key: 'recipients' },
      { kind: 'element', index: 0, value: body.recipients[0] },
      { kind: 'element', index: 1, value: body.recipients[1] },
      { kind: 'member', key: 'metadata', value: body.metadata },
      { kind: 'member', key: 'text', value: 'x' },
    ];
    expect(read(text, [])).toEqual(expected);
    const length = Buffer.byteLength(text);
    for (let cut = 1; cut < length; cut++) expect(read(text, [cut])).toEqual(expected);
    expect(
      read(
        text,
        Array.from({ length: length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(expected);
  });

  it('refuses what is not JSON, a repeated key, a prototype key and a body past its limit', () => {
    expect(() => read('{"a":1', [])).toThrow('not valid JSON');
    expect(() => read('{"a":1}x', [])).toThrow('not valid JSON');
    expect(() => read('{"recipients":[{"a":1},]}', [])).toThrow('not valid JSON');
    expect(() => read('[1]', [])).toThrow('not valid JSON');
    expect(() => read('{"a":1,"a":2}', [])).toThrow('given twice');
    expect(() => read('{"recipients":[{"fields":{"__proto__":{"x":1}}}]}', [])).toThrow(
      'recipients.0.fields.__proto__',
    );
    expect(() => read(`{"text":"${'x'.repeat(100)}"}`, [], 50)).toThrow('larger than the limit of 50 bytes');
  });
});
