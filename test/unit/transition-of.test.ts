import { describe, expect, it } from 'vitest';
import {
  bouncedTransition,
  failedTransition,
  retryOrFailTransition,
  sentTransition,
  waitTransition,
} from '../../src/delivery/transition-of.js';
import { defaultRetrySchedules, retryPolicyFor } from '../../src/domain/retry-schedules.js';

const HOUR = 3_600_000;
const created = 1_000 * HOUR; // pure rules only: no real time is involved

describe('the ends of one delivery', () => {
  it('sent through a relay or the platform records the route, the reply and the return path kind', () => {
    expect(sentTransition('rly_1', '250 ok', created, 'verp')).toMatchObject({
      status: 'sent',
      route: 'rly_1',
      relayId: 'rly_1',
      lastStatus: '2.0.0',
      sentAt: created,
      returnPathKind: 'verp',
      countsAsAttempt: true,
    });
    expect(sentTransition(null, '250 ok', created, 'verp')).toMatchObject({
      route: 'platform',
      relayId: null,
    });
  });

  it('bounced and failed keep the reply; waiting does not count as an attempt', () => {
    expect(bouncedTransition(null, { status: '5.1.1', reply: '550 5.1.1 no such user' })).toMatchObject({
      status: 'bounced',
      route: 'platform',
      lastStatus: '5.1.1',
    });
    expect(failedTransition({ status: '5.6.0', reply: 'cannot compose' })).toMatchObject({
      status: 'failed',
      countsAsAttempt: true,
    });
    expect(waitTransition(created + 5)).toEqual({
      status: 'queued',
      nextAttemptAt: created + 5,
      countsAsAttempt: false,
    });
    expect(
      waitTransition(created + 5, { status: '4.7.0', reply: '421 slow down', slowdowns: 2 }),
    ).toMatchObject({
      countsAsAttempt: false,
      slowdowns: 2,
      lastStatus: '4.7.0',
    });
  });

  it('a temporary failure is retried within the queue lifetime and fails after it (R16)', () => {
    const reply = { status: '4.4.1', reply: 'connection timed out', tried: ['rly_1'] };
    const early = retryOrFailTransition(
      { attempts: 0, created_at: created, type: 'workflow' },
      created + 1000,
      reply,
    );
    expect(early).toMatchObject({ status: 'deferred', relaysTried: ['rly_1'], lastStatus: '4.4.1' });
    expect(early.nextAttemptAt).toBeGreaterThan(created + 1000);
    const late = retryOrFailTransition(
      { attempts: 30, created_at: created, type: 'workflow' },
      created + 73 * HOUR,
      reply,
    );
    expect(late).toMatchObject({ status: 'failed', lastStatus: '4.4.1' });
    expect(late.lastReply).toMatch(/^expired: still failing after 72 h.*connection timed out$/);
    expect(late.nextAttemptAt).toBeUndefined();
  });

  it("expires at the maximum age of the delivery's type (issue 21)", () => {
    const mass = retryPolicyFor(defaultRetrySchedules(), 'mass');
    const reply = { status: '4.4.1', reply: 'connection timed out' };
    const d = { attempts: 5, created_at: created, type: 'mass' as const };
    const before = retryOrFailTransition(d, created + 23 * HOUR, reply, mass);
    expect(before).toMatchObject({ status: 'deferred', nextAttemptAt: created + 24 * HOUR });
    const at = retryOrFailTransition(d, created + 24 * HOUR, reply, mass);
    expect(at.status).toBe('failed');
    expect(at.lastReply).toContain('24 h, the maximum age for mass mail');
    const workflow = retryPolicyFor(defaultRetrySchedules(), 'system');
    expect(retryOrFailTransition(d, created + 24 * HOUR, reply, workflow).status).toBe('deferred');
  });
});
