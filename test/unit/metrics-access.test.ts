import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { isLoopback, metricsAccess, sameSecret } from '../../src/metrics/access.js';

const TOKEN = 'metrics-token-0123456789';

describe('who may read /metrics', () => {
  it('with a token: only its bearer, from any address', () => {
    expect(metricsAccess(TOKEN, `Bearer ${TOKEN}`, '192.0.2.1')).toBe('allowed');
    expect(metricsAccess(TOKEN, `bearer ${TOKEN}`, '127.0.0.1')).toBe('allowed');
    expect(metricsAccess(TOKEN, undefined, '127.0.0.1')).toBe('token-required');
    expect(metricsAccess(TOKEN, `Basic ${TOKEN}`, '127.0.0.1')).toBe('token-required');
    expect(metricsAccess(TOKEN, 'Bearer', '127.0.0.1')).toBe('token-required');
    expect(metricsAccess(TOKEN, `Bearer ${TOKEN}x`, '127.0.0.1')).toBe('wrong-token');
    expect(metricsAccess(TOKEN, `Bearer ${TOKEN.slice(1)}`, '127.0.0.1')).toBe('wrong-token');
    expect(metricsAccess(TOKEN, 'Bearer other-token-0123456789', '127.0.0.1')).toBe('wrong-token');
  });

  it('without a token: loopback clients only, IPv4, IPv6 and IPv4-mapped', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect(metricsAccess(undefined, undefined, a), a).toBe('allowed');
    for (const a of ['192.0.2.1', '10.0.0.1', '::ffff:192.0.2.1', '2001:db8::1', '', 'localhost', undefined])
      expect(metricsAccess(undefined, undefined, a), String(a)).toBe('not-loopback');
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret('', TOKEN)).toBe(false);
    expect(sameSecret(`${TOKEN}${TOKEN}`, TOKEN)).toBe(false);
    expect(isLoopback('::2')).toBe(false);
  });
});

describe('MAILROUTE_METRICS_TOKEN', () => {
  it('is optional, needs 16 characters, and a refused value is never echoed', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ MAILROUTE_METRICS_TOKEN: ` ${TOKEN} ` }).metricsToken).toBe(TOKEN);
    let message = '';
    try {
      loadConfig({ MAILROUTE_METRICS_TOKEN: 'short-secret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('MAILROUTE_METRICS_TOKEN: must be at least 16 characters');
    expect(message).not.toContain('short-secret');
  });
});
