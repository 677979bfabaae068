import { describe, expect, it } from 'vitest';
import {
  applyMtaSts,
  MAX_AGE_LIMIT,
  mxMatches,
  parseMtaStsPolicy,
  parseMtaStsRecord,
} from '../../src/domain/mta-sts.js';

describe('MTA-STS rules (RFC 8461)', () => {
  it('reads the id of exactly one v=STSv1 TXT record', () => {
    expect(parseMtaStsRecord(['v=STSv1; id=20261203T0900'])).toBe('20261203T0900');
    expect(parseMtaStsRecord(['v=spf1 -all', 'v=STSv1;id=abc123;'])).toBe('abc123');
    expect(parseMtaStsRecord(['v=STSv1; id=a', 'v=STSv1; id=b'])).toBeUndefined();
    expect(parseMtaStsRecord(['v=STSv1; id=not-valid!'])).toBeUndefined();
    expect(parseMtaStsRecord([])).toBeUndefined();
  });

  it('parses a policy file, capping max_age at a year', () => {
    const text =
      'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.Example.NET.\r\nmax_age: 9999999999\r\n';
    expect(parseMtaStsPolicy(text, 'x')).toEqual({
      id: 'x',
      mode: 'enforce',
      mx: ['mail.example.com', '*.example.net'],
      maxAge: MAX_AGE_LIMIT,
    });
    expect(parseMtaStsPolicy('version: STSv1\nmode: enforce\nmax_age: 1\n', 'x')).toEqual({
      error: 'no mx pattern',
    });
    expect(parseMtaStsPolicy('version: STSv2\nmode: enforce\nmx: a.b\nmax_age: 1\n', 'x')).toHaveProperty(
      'error',
    );
    expect(parseMtaStsPolicy('version: STSv1\nmode: strict\nmx: a.b\nmax_age: 1\n', 'x')).toHaveProperty(
      'error',
    );
    expect(parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 60\n', 'x')).toMatchObject({
      mode: 'none',
    });
  });

  it('a wildcard stands for exactly one leftmost label', () => {
    const p = ['*.example.com', 'mx.example.org'];
    expect(mxMatches(p, 'mx1.example.com')).toBe(true);
    expect(mxMatches(p, 'MX1.Example.com.')).toBe(true);
    expect(mxMatches(p, 'a.b.example.com')).toBe(false);
    expect(mxMatches(p, 'example.com')).toBe(false);
    expect(mxMatches(p, 'mx.example.org')).toBe(true);
    expect(mxMatches(p, 'mx2.example.org')).toBe(false);
  });

  it('enforce keeps the named hosts and requires verified TLS; testing keeps all and reports', () => {
    const hosts = ['mx.example.com', 'backup.other.net'];
    const policy = { id: 'x', mx: ['*.example.com'], maxAge: 60 };
    expect(applyMtaSts({ ...policy, mode: 'enforce' }, hosts)).toEqual({
      allowed: ['mx.example.com'],
      refused: ['backup.other.net'],
      requireVerifiedTls: true,
    });
    expect(applyMtaSts({ ...policy, mode: 'testing' }, hosts)).toEqual({
      allowed: hosts,
      refused: ['backup.other.net'],
      requireVerifiedTls: false,
    });
    expect(applyMtaSts(undefined, hosts)).toEqual({ allowed: hosts, refused: [], requireVerifiedTls: false });
  });
});
