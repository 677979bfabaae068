import { describe, expect, it } from 'vitest';
import { deliveryInHeaders, matchDelivery } from '../../src/bounces/match.js';
import { bounceOutcome } from '../../src/domain/bounce-outcome.js';
import type { BounceReport } from '../../src/domain/bounce-report.js';
import { verpAddress } from '../../src/domain/verp.js';

describe('what a bounce does to its delivery', () => {
  const note = { record: true, countsAsSoft: false };
  it.each([
    [
      'a hard failure bounces and suppresses',
      'hard',
      'failed',
      { record: true, status: 'bounced', suppress: 'hard-bounce', countsAsSoft: false },
    ],
    [
      'a soft failure bounces and counts towards the threshold',
      'soft',
      'failed',
      { record: true, status: 'bounced', countsAsSoft: true },
    ],
    [
      'a complaint marks complained and suppresses',
      'complaint',
      '',
      { record: true, status: 'complained', suppress: 'complaint', countsAsSoft: false },
    ],
    ['a delayed report is a note only', 'soft', 'delayed', note],
    ['a delayed report classed hard is still a note only', 'hard', 'Delayed', note],
    ['a success report is a note only', 'delivered', 'delivered', note],
    ['an unclassifiable report is a note only', 'unknown', 'failed', note],
    ['an auto-reply is not recorded at all', 'auto-reply', '', { record: false, countsAsSoft: false }],
  ] as const)('%s', (_name, cls, action, expected) => {
    expect(bounceOutcome(cls, action)).toEqual(expected);
  });
});

describe('matching a returned report to its delivery', () => {
  const key = Buffer.alloc(32, 7);
  const id = `dlv_${'b'.repeat(26)}`;
  const report = (headers?: Record<string, string>): BounceReport => ({
    kind: 'dsn',
    recipients: [],
    ...(headers ? { originalHeaders: headers } : {}),
  });

  it('takes the delivery from a VERP token whose HMAC verifies', () => {
    expect(matchDelivery(verpAddress(id, 'b.example', key), report(), key)).toEqual({
      deliveryId: id,
      via: 'verp',
    });
  });
  it('calls a token with a wrong HMAC forged, even when the headers name a delivery', () => {
    const forged = verpAddress(id, 'b.example', Buffer.alloc(32, 8));
    expect(matchDelivery(forged, report({ 'x-mailroute-delivery': id }), key)).toEqual({
      rejected: 'forged-token',
    });
  });
  it('reads X-Mailroute-Delivery, then the Message-ID, for the catch-all', () => {
    expect(matchDelivery('catchall@b.example', report({ 'x-mailroute-delivery': id }), key)).toEqual({
      deliveryId: id,
      via: 'header',
    });
    expect(deliveryInHeaders({ 'message-id': `<${id}@sakura.com>` })).toBe(id);
    expect(deliveryInHeaders({ 'message-id': '<abc@sakura.com>' })).toBeUndefined();
    expect(matchDelivery('catchall@b.example', report(), key)).toEqual({ rejected: 'no-delivery-named' });
  });
});
