// Delivery ids for bulk intake (issue 22): newId's form, so VERP and unsubscribe tokens take them,
// and strictly increasing within a process, so a million rows append to their indexes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newOrderedId } from '../../src/domain/ids.js';
import { parseVerp, verpAddress } from '../../src/domain/verp.js';

describe('ordered ids', () => {
  afterEach(() => vi.restoreAllMocks());

  it('have the form of every id and sort by creation, past 32,768 in one millisecond', () => {
    vi.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 11, 3));
    const ids = Array.from({ length: 70_000 }, () => newOrderedId('dlv'));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^dlv_[a-z2-7]{26}$/);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // Later milliseconds sort later, and never before ids already given.
    vi.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 11, 3) + 1);
    expect(newOrderedId('dlv') > ids.at(-1)!).toBe(true);
    vi.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 11, 3, 0, 0, 1));
    expect(newOrderedId('dlv') > ids.at(-1)!).toBe(true);
  });

  it('keep 70 random bits: two ids of the same millisecond and sequence never match', () => {
    const a = newOrderedId('dlv');
    const b = newOrderedId('dlv');
    expect(a.slice(4, 16)).not.toBe(b.slice(4, 16));
    expect(new Set(Array.from({ length: 1000 }, () => newOrderedId('dlv').slice(16))).size).toBe(1000);
  });

  it('go through a VERP return path and back', () => {
    const key = Buffer.alloc(32, 7);
    const id = newOrderedId('dlv');
    expect(parseVerp(verpAddress(id, 'bounces.example', key), key)).toBe(id);
  });
});
