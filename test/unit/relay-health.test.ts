import { describe, expect, it } from 'vitest';
import {
  acceptanceRate,
  coveredMs,
  percentileRank,
  suspensionIntervals,
} from '../../src/domain/relay-health.js';

describe('relay health arithmetic', () => {
  it('ranks percentiles by nearest rank', () => {
    expect(percentileRank(1, 0.5)).toBe(0);
    expect(percentileRank(4, 0.5)).toBe(1);
    expect(percentileRank(100, 0.99)).toBe(98);
    expect(percentileRank(1000, 0.99)).toBe(989);
  });

  it('gives no acceptance rate without attempts', () => {
    expect(acceptanceRate(0, 0)).toBeNull();
    expect(acceptanceRate(3, 4)).toBe(0.75);
  });

  it.each([
    ['inside', [{ from: 20, until: 30 }], 10],
    ['clipped at both ends', [{ from: 0, until: 200 }], 90],
    [
      'overlapping, counted once',
      [
        { from: 20, until: 50 },
        { from: 40, until: 60 },
      ],
      40,
    ],
    [
      'nested',
      [
        { from: 20, until: 80 },
        { from: 30, until: 40 },
      ],
      60,
    ],
    [
      'outside',
      [
        { from: 0, until: 5 },
        { from: 200, until: 300 },
      ],
      0,
    ],
  ])('covers the window %s', (_name, intervals, expected) => {
    expect(coveredMs(intervals, 10, 100)).toBe(expected);
  });

  it('ends a suspension at the first resume within it', () => {
    expect(
      suspensionIntervals(
        [
          { at: 100, until: 500 },
          { at: 1000, until: 2000 },
        ],
        [50, 300, 400, 2500],
      ),
    ).toEqual([
      { from: 100, until: 300 },
      { from: 1000, until: 2000 },
    ]);
  });
});
