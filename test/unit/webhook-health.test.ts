import { describe, expect, it } from 'vitest';
import { webhookHealth } from '../../src/domain/webhook-health.js';

const delivered = { status: 'delivered', attempts: 1 } as const;
const failed = { status: 'failed', attempts: 10 } as const;
const retrying = { status: 'pending', attempts: 2 } as const;
const untried = { status: 'pending', attempts: 0 } as const;

describe('webhook endpoint health', () => {
  it.each([
    ['nothing tried yet', [untried], 'ok', 0, 0],
    ['all delivered', [delivered, delivered], 'ok', 2, 0],
    ['some failed', [delivered, failed], 'degraded', 2, 1],
    ['one retrying among delivered', [retrying, delivered, untried], 'degraded', 2, 1],
    ['all failed or retrying', [failed, retrying, untried], 'failing', 2, 2],
  ] as const)('%s', (_what, recent, health, recentDeliveries, recentFailures) => {
    expect(webhookHealth(recent)).toEqual({ health, recentDeliveries, recentFailures });
  });
});
