import { describe, expect, it } from 'vitest';
import { bucketOf, cumulative, LATENCY_BUCKETS_SECONDS, routeKind } from '../../src/metrics/labels.js';

describe('metric labels', () => {
  it('names the route kind of a delivery: a relay id, the platform, or none yet', () => {
    expect(routeKind('rly_abc')).toBe('relay');
    expect(routeKind('platform')).toBe('platform');
    expect(routeKind(null)).toBe('none');
    expect(routeKind('')).toBe('none');
  });
});

describe('latency buckets', () => {
  const bounds = [0.05, 0.1, 1];

  it('puts a duration in the first bucket whose bound it does not exceed, the bound itself included', () => {
    expect(bucketOf(0, bounds)).toBe(0);
    expect(bucketOf(50, bounds)).toBe(0);
    expect(bucketOf(51, bounds)).toBe(1);
    expect(bucketOf(100, bounds)).toBe(1);
    expect(bucketOf(999, bounds)).toBe(2);
    expect(bucketOf(1000, bounds)).toBe(2);
    expect(bucketOf(1001, bounds)).toBe(3);
    expect(bucketOf(120_000)).toBe(LATENCY_BUCKETS_SECONDS.length);
  });

  it('turns per-bucket counts into cumulative `le` counts ending with +Inf, which is the total', () => {
    const per = new Map([
      [0, 2],
      [2, 3],
      [3, 1],
    ]);
    expect(cumulative(per, bounds)).toEqual([
      { le: '0.05', count: 2 },
      { le: '0.1', count: 2 },
      { le: '1', count: 5 },
      { le: '+Inf', count: 6 },
    ]);
    expect(cumulative(new Map(), bounds).map((c) => c.count)).toEqual([0, 0, 0, 0]);
  });

  it('has increasing bounds, so the cumulative counts never fall', () => {
    expect([...LATENCY_BUCKETS_SECONDS].sort((a, b) => a - b)).toEqual(LATENCY_BUCKETS_SECONDS);
    expect(new Set(LATENCY_BUCKETS_SECONDS).size).toBe(LATENCY_BUCKETS_SECONDS.length);
  });
});
