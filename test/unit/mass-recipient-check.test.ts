// The streamed intake's fast check of a recipient (issue 22) accepts nothing massRecipientSchema
// refuses, and gives back what the schema gives; everything else goes to the schema for its words.
import { describe, expect, it } from 'vitest';
import { parseMailbox } from '../../src/domain/mailbox.js';
import { massRecipientSchema, plainMassRecipient } from '../../src/schemas/messages.js';

const long = (n: number) => 'x'.repeat(n);

const plain: unknown[] = [
  { address: 'a@example.net' },
  { address: 'A.B+tag@Example.NET', fields: { name: 'Ann', n: 3, x_1: -1.5e3 } },
  { address: 'Ann Lee <ann@example.net>', notice: 'note' },
  { address: '"Lee, Ann" <ann@bücher.example>', fields: {} },
  { address: 'a@example.net', fields: { [long(64)]: long(10_000) }, notice: long(10_000) },
  JSON.parse('{"address":"a@example.net","fields":{"constructor":"x"}}'),
];

const others: unknown[] = [
  null,
  'a@example.net',
  ['a@example.net'],
  {},
  { address: 'not an address' },
  { address: 'a@example' },
  { address: 'a@example.123' },
  { address: 'a@-x.example' },
  { address: 'a\r\n@example.net' },
  { address: `${long(390)}@example.net` },
  { address: 'a@example.net', colour: 'red' },
  { address: 'a@example.net', fields: null },
  { address: 'a@example.net', fields: [] },
  { address: 'a@example.net', fields: { 'bad name': 'x' } },
  { address: 'a@example.net', fields: { [long(65)]: 'x' } },
  { address: 'a@example.net', fields: { n: true } },
  { address: 'a@example.net', fields: { n: null } },
  { address: 'a@example.net', fields: { n: { x: 1 } } },
  { address: 'a@example.net', fields: { n: Number.POSITIVE_INFINITY } },
  { address: 'a@example.net', fields: { n: Number.NaN } },
  { address: 'a@example.net', fields: { n: long(10_001) } },
  { address: 'a@example.net', notice: 1 },
  { address: 'a@example.net', notice: long(10_001) },
  { address: 1 },
  Object.assign(Object.create(null), { address: 'a@example.net' }),
];

describe('the fast check of a streamed recipient', () => {
  it.each(plain.map((v) => [JSON.stringify(v).slice(0, 80), v]))(
    'takes %s as the schema does, with its parsed address',
    (_name, v) => {
      const fast = plainMassRecipient(v);
      const zod = massRecipientSchema.safeParse(v);
      expect(zod.success).toBe(true);
      expect(fast).toBeDefined();
      expect(fast!.recipient).toEqual(zod.data);
      expect(fast!.box).toEqual(parseMailbox(zod.data!.address));
    },
  );

  it.each(others.map((v) => [JSON.stringify(v)?.slice(0, 80) ?? String(v), v]))(
    'leaves %s to the schema, and takes it only if the schema does',
    (_name, v) => {
      const fast = plainMassRecipient(v);
      const zod = massRecipientSchema.safeParse(v);
      if (fast) {
        expect(zod.success).toBe(true);
        expect(fast.recipient).toEqual(zod.data);
      } else if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== null)
        // All but the object without a prototype are refused by the schema too.
        expect(zod.success).toBe(false);
    },
  );
});
