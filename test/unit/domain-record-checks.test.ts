/** The ✓ or ✗ of each DNS record of a domain, read from its routes' authentication checks. */
import { expect, it } from 'vitest';
import type { AuthenticationCheck } from '../../src/domain/authentication-check.js';
import { domainRecordChecks } from '../../src/domain/domain-record-checks.js';

const check = (over: Partial<AuthenticationCheck> = {}): AuthenticationCheck => ({
  domain: 'sakura.com',
  returnPath: 'bounces+*@bounces.example',
  hops: [
    {
      from: 'platform',
      to: 'recipient',
      spf: { result: 'pass', domain: 'bounces.example', ip: '127.0.100.1', record: 'v=spf1 -all' },
    },
  ],
  dkim: {
    signing: true,
    domain: 'sakura.com',
    aligned: true,
    record: { name: 's1._domainkey.sakura.com', found: true, valid: true, expected: null },
  },
  dmarc: { record: 'v=DMARC1; p=none', policy: 'none', result: 'pass' },
  verification: {
    record: { type: 'TXT', name: '_mailroute.sakura.com', value: 'mailroute-verification=x' },
    found: true,
  },
  findings: [],
  ...over,
});
const statuses = (routes: Parameters<typeof domainRecordChecks>[0]) =>
  domainRecordChecks(routes).map((c) => `${c.record}:${c.status}`);

it('marks every record ✓ when each is published and SPF passes on every route', () => {
  expect(statuses([{ name: 'platform', check: check() }])).toEqual([
    'verification:ok',
    'dkim:ok',
    'spf:ok',
    'dmarc:ok',
  ]);
});

it('says which DKIM problem it is: no key, not published, another key', () => {
  const dkim = (record: AuthenticationCheck['dkim']['record']) =>
    domainRecordChecks([{ name: 'platform', check: check({ dkim: { ...check().dkim, record } }) }])[1]!;
  expect(dkim({ name: null, found: false, valid: false, expected: null })).toMatchObject({
    status: 'no_key',
  });
  expect(dkim({ name: 's1._domainkey.sakura.com', found: false, valid: false, expected: null }).status).toBe(
    'missing',
  );
  expect(dkim({ name: 's1._domainkey.sakura.com', found: true, valid: false, expected: null }).status).toBe(
    'mismatch',
  );
});

it('names the routes on which SPF does not pass, and a failed lookup as such', () => {
  const relay = (result: 'fail' | 'temperror') =>
    check({
      hops: [
        check().hops[0]!,
        {
          from: 'relay',
          to: 'recipient',
          spf: { result, domain: 'bounces.example', ip: '127.0.0.9', record: null },
        },
      ],
    });
  const [, , spf] = domainRecordChecks([
    { name: 'platform', check: check() },
    { name: 'Office relay', check: relay('fail') },
  ]);
  expect(spf).toEqual({
    record: 'spf',
    status: 'fail',
    name: 'bounces.example',
    failing: [{ route: 'Office relay', domain: 'bounces.example', result: 'fail' }],
  });
  expect(
    statuses([
      { name: 'platform', check: check({ dmarc: { record: null, policy: null, result: 'temperror' } }) },
      { name: 'Office relay', check: relay('temperror') },
    ]),
  ).toEqual(['verification:ok', 'dkim:ok', 'spf:dns_error', 'dmarc:dns_error']);
});
