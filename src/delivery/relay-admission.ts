/**
 * Whether a relay can take one more delivery now (R10, R11): first its pace (messages per minute and
 * the slow-downs its replies asked for, in this process), then a slot under its daily cap, claimed
 * atomically in the database (`queue/relay-slots.ts`). A paced relay means "wait and keep the
 * order"; a full one means "try the next relay". An admitted delivery that ends up not sent gives
 * its slot back.
 */
import { dayKey } from '../domain/time-zone.js';
import type { CounterKey } from '../queue/counters.js';
import type { RelaysTable } from '../store/schema.js';
import type { RelayPace } from './relay-pace.js';

export type Admission =
  | { kind: 'admitted'; release: () => void }
  /** `rate`: its messages per minute; `slowdown`: it asked to slow down. */
  | { kind: 'paced'; until: number; cause: 'rate' | 'slowdown' }
  | { kind: 'full'; limit: number };

/** The daily-cap counter (`queue/relay-slots.ts` in the engine). */
export interface SlotCounter {
  take(key: CounterKey, limit: number): Promise<boolean>;
  giveBack(key: CounterKey): void;
}

export class RelayAdmission {
  constructor(
    private pace: RelayPace,
    private slots: SlotCounter,
  ) {}

  async admit(
    relay: Pick<RelaysTable, 'id' | 'rate_limit_per_minute' | 'daily_limit'>,
    orgId: string,
    timeZone: string,
    now: number,
  ): Promise<Admission> {
    const pacedUntil = this.pace.take(relay.id, relay.rate_limit_per_minute, now);
    if (pacedUntil > now)
      return {
        kind: 'paced',
        until: pacedUntil,
        cause: this.pace.slowed(relay.id, now) ? 'slowdown' : 'rate',
      };
    const key: CounterKey = { orgId, day: dayKey(now, timeZone), scope: relay.id };
    if (!(await this.slots.take(key, relay.daily_limit))) return { kind: 'full', limit: relay.daily_limit };
    return { kind: 'admitted', release: () => this.slots.giveBack(key) };
  }
}
