import { describe, expect, it } from 'vitest';
import { chooseOrg } from '../../src/domain/signin-org.js';
import { forgotten, retryAfterSeconds, waitAfter } from '../../src/domain/signin-throttle.js';

describe('how long a sign-in waits', () => {
  it.each([
    ['below the threshold', 4, 0],
    ['at the threshold', 5, 15_000],
    ['one more failure', 6, 30_000],
    ['three more', 8, 120_000],
    ['many more, at the maximum', 60, 900_000],
    ['absurdly many, still the maximum', 10_000, 900_000],
  ])('%s (%i failures)', (_name, failures, ms) => {
    expect(waitAfter(failures, 5, 900_000)).toBe(ms);
  });
  it('rounds Retry-After up to whole seconds, at least 1', () => {
    expect(retryAfterSeconds(10_500, 0)).toBe(11);
    expect(retryAfterSeconds(100, 0)).toBe(1);
  });
  it('forgets a count a day after its last failure', () => {
    expect(forgotten(0, 86_399_999)).toBe(false);
    expect(forgotten(0, 86_400_000)).toBe(true);
  });
});

describe('which org a sign-in enters', () => {
  const a = { org_id: 'org_a' };
  const b = { org_id: 'org_b' };
  it.each([
    ['no password matched', [], undefined, { kind: 'none' }],
    ['one matched', [a], undefined, { kind: 'one', user: a }],
    ['several matched: ask', [a, b], undefined, { kind: 'choose', users: [a, b] }],
    ['several matched, one chosen', [a, b], 'org_b', { kind: 'one', user: b }],
    ['an org chosen where the password did not match', [a], 'org_b', { kind: 'none' }],
  ])('%s', (_name, matched, orgId, expected) => {
    expect(chooseOrg(matched, orgId)).toEqual(expected);
  });
});
