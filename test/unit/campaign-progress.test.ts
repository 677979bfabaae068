import { describe, expect, it } from 'vitest';
import { routeKindOf, tally } from '../../src/domain/campaign-progress.js';

describe('campaign progress', () => {
  it('names the kind of route a delivery took', () => {
    expect(routeKindOf(null, false)).toBeNull();
    expect(routeKindOf('rly_a', false)).toBe('relay');
    expect(routeKindOf('platform', true)).toBe('fallback');
    expect(routeKindOf('platform', false)).toBe('platform');
  });

  it('counts by status, by route and by relay, and is done when nothing is left to send', () => {
    const going = tally([
      { status: 'sent', route: 'rly_a', fellBack: false, count: 3 },
      { status: 'sent', route: 'rly_b', fellBack: false, count: 1 },
      { status: 'bounced', route: 'rly_a', fellBack: false, count: 1 },
      { status: 'sent', route: 'platform', fellBack: true, count: 4 },
      { status: 'sent', route: 'platform', fellBack: false, count: 2 },
      { status: 'deferred', route: 'rly_b', fellBack: false, count: 1 },
      { status: 'queued', route: null, fellBack: false, count: 5 },
      { status: 'suppressed', route: null, fellBack: false, count: 2 },
    ]);
    expect(going.total).toBe(19);
    expect(going.done).toBe(false);
    expect(going.statuses).toMatchObject({
      sent: 10,
      bounced: 1,
      deferred: 1,
      queued: 5,
      suppressed: 2,
      failed: 0,
    });
    expect(going.routes).toEqual({ relay: 6, fallback: 4, platform: 2 });
    expect([...going.relays]).toEqual([
      ['rly_a', 4],
      ['rly_b', 2],
    ]);
    const done = tally([{ status: 'sent', route: 'platform', fellBack: false, count: 1 }]);
    expect(done.done).toBe(true);
    expect(tally([]).done).toBe(true);
  });
});
