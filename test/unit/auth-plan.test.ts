import { describe, expect, it } from 'vitest';
import {
  representativeEgress,
  returnPathPlan,
  spfTermFor,
  spfWithTerms,
} from '../../src/domain/auth-plan.js';

describe('return path of each bounce-handling mode', () => {
  it.each([
    ['platform delivery', undefined, 'bounces+*@b.example', 'b.example', true],
    [
      'VERP at the bounce domain',
      { mode: 'platform', fixedReturnPath: false },
      'bounces+*@b.example',
      'b.example',
      true,
    ],
    [
      'the catch-all for relays with one return path',
      { mode: 'platform', fixedReturnPath: true },
      'catchall@b.example',
      'b.example',
      true,
    ],
    ['the From address', { mode: 'from' }, '*@sakura.com', 'sakura.com', false],
    [
      'a bounce address on the domain',
      { mode: 'address', address: 'Bounce@Sakura.com' },
      'bounce@sakura.com',
      'sakura.com',
      false,
    ],
  ] as const)('%s', (_what, mode, address, domain, platform) => {
    expect(returnPathPlan(mode, 'sakura.com', 'b.example')).toEqual({ address, domain, platform });
  });
});

describe('the address standing for a data center', () => {
  it.each([
    ['its configured egress address', ['198.51.100.0/24'], '203.0.113.7', '203.0.113.7'],
    [
      'the first host of its first IPv4 range, after merging',
      ['198.51.100.128/25', '198.51.100.0/25'],
      undefined,
      '198.51.100.1',
    ],
    ['a single address as it is', ['125.17.151.81'], undefined, '125.17.151.81'],
    ['the first host of an IPv6 range when there is no IPv4', ['2001:db8::/32'], undefined, '2001:db8::1'],
    ['nothing without ranges', [], undefined, undefined],
  ])('%s', (_what, egress, egressAddress, expected) => {
    expect(representativeEgress(egress, egressAddress)).toBe(expected);
  });
});

describe('SPF records with terms added', () => {
  it.each([
    ['a new record when there is none', null, ['ip4:192.0.2.10'], 'v=spf1 ip4:192.0.2.10 ~all'],
    [
      'before the all term',
      'v=spf1 include:_spf.example -all',
      ['ip4:192.0.2.10'],
      'v=spf1 include:_spf.example ip4:192.0.2.10 -all',
    ],
    [
      'before a redirect',
      'v=spf1 mx redirect=_spf.example',
      ['ip6:2001:db8::1'],
      'v=spf1 mx ip6:2001:db8::1 redirect=_spf.example',
    ],
    ['at the end without an all term', 'v=spf1 mx', ['ip4:192.0.2.10'], 'v=spf1 mx ip4:192.0.2.10'],
    [
      'not twice',
      'v=spf1 IP4:192.0.2.10 ~all',
      ['ip4:192.0.2.10', 'ip4:192.0.2.11'],
      'v=spf1 IP4:192.0.2.10 ip4:192.0.2.11 ~all',
    ],
  ])('%s', (_what, current, terms, expected) => {
    expect(spfWithTerms(current, terms)).toBe(expected);
  });

  it('names IPv4 and IPv6 addresses with their own mechanism', () => {
    expect([spfTermFor('192.0.2.1'), spfTermFor('2001:db8::1')]).toEqual([
      'ip4:192.0.2.1',
      'ip6:2001:db8::1',
    ]);
  });
});
