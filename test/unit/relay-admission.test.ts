import { describe, expect, it } from 'vitest';
import { RelayAdmission, type SlotCounter } from '../../src/delivery/relay-admission.js';
import { RelayPace } from '../../src/delivery/relay-pace.js';
import type { CounterKey } from '../../src/queue/counters.js';

/** A daily-cap counter in memory, keyed as the database's. */
class MemorySlots implements SlotCounter {
  used = new Map<string, number>();
  async take(key: CounterKey, limit: number): Promise<boolean> {
    const k = `${key.orgId}/${key.day}/${key.scope}`;
    const n = this.used.get(k) ?? 0;
    if (n >= limit) return false;
    this.used.set(k, n + 1);
    return true;
  }
  giveBack(key: CounterKey): void {
    const k = `${key.orgId}/${key.day}/${key.scope}`;
    this.used.set(k, (this.used.get(k) ?? 1) - 1);
  }
}

const NOON_TOKYO = Date.parse('2031-05-01T03:00:00Z'); // pure rules only: no real time is involved
const relay = (o: Partial<{ daily_limit: number; rate_limit_per_minute: number | null }> = {}) => ({
  id: 'rly_1',
  daily_limit: 2,
  rate_limit_per_minute: null,
  ...o,
});

describe('relay admission (R10, R11)', () => {
  it('admits under the daily cap, then says the relay is full, naming its cap', async () => {
    const a = new RelayAdmission(new RelayPace(), new MemorySlots());
    const first = await a.admit(relay(), 'org', 'Asia/Tokyo', NOON_TOKYO);
    const second = await a.admit(relay(), 'org', 'Asia/Tokyo', NOON_TOKYO);
    expect([first.kind, second.kind]).toEqual(['admitted', 'admitted']);
    expect(await a.admit(relay(), 'org', 'Asia/Tokyo', NOON_TOKYO)).toEqual({ kind: 'full', limit: 2 });
  });

  it('gives a slot back when an admitted delivery was not sent', async () => {
    const a = new RelayAdmission(new RelayPace(), new MemorySlots());
    const first = await a.admit(relay({ daily_limit: 1 }), 'org', 'Asia/Tokyo', NOON_TOKYO);
    if (first.kind !== 'admitted') throw new Error(first.kind);
    first.release();
    expect((await a.admit(relay({ daily_limit: 1 }), 'org', 'Asia/Tokyo', NOON_TOKYO)).kind).toBe('admitted');
  });

  it('counts the cap per day in the org’s time zone: a new Tokyo day has a fresh cap', async () => {
    const a = new RelayAdmission(new RelayPace(), new MemorySlots());
    const full = relay({ daily_limit: 1 });
    await a.admit(full, 'org', 'Asia/Tokyo', NOON_TOKYO);
    expect((await a.admit(full, 'org', 'Asia/Tokyo', NOON_TOKYO)).kind).toBe('full');
    const nextTokyoDay = NOON_TOKYO + 12 * 3_600_000; // 15:00Z = midnight in Tokyo
    expect((await a.admit(full, 'org', 'Asia/Tokyo', nextTokyoDay)).kind).toBe('admitted');
  });

  it('says when a paced relay may send again, and takes no slot of its cap meanwhile', async () => {
    const slots = new MemorySlots();
    const a = new RelayAdmission(new RelayPace(), slots);
    const paced = relay({ daily_limit: 10, rate_limit_per_minute: 1 });
    expect((await a.admit(paced, 'org', 'Asia/Tokyo', NOON_TOKYO)).kind).toBe('admitted');
    expect(await a.admit(paced, 'org', 'Asia/Tokyo', NOON_TOKYO + 1000)).toEqual({
      kind: 'paced',
      until: NOON_TOKYO + 60_000,
      cause: 'rate',
    });
    expect([...slots.used.values()]).toEqual([1]);
  });

  it('says a relay that asked to slow down is paced for that reason, not for its rate', async () => {
    const pace = new RelayPace();
    const a = new RelayAdmission(pace, new MemorySlots());
    const until = pace.slowDown('rly_1', NOON_TOKYO);
    expect(await a.admit(relay({ daily_limit: 10 }), 'org', 'Asia/Tokyo', NOON_TOKYO + 1)).toEqual({
      kind: 'paced',
      until,
      cause: 'slowdown',
    });
    expect((await a.admit(relay({ daily_limit: 10 }), 'org', 'Asia/Tokyo', until)).kind).toBe('admitted');
  });
});
