import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/services/api-keys.js';
import { createOrg } from '../../src/services/orgs.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

const fixture = fileURLToPath(new URL('../fixtures/datacenters/seed.json', import.meta.url));

describe.each(dialects)('data centers API on %s', (dialect) => {
  let t: TestApp;
  /** An admin key of an org in the India data center (org `default` is in the first one, Japan). */
  let indiaKey: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { MAILROUTE_DATACENTERS: fixture });
    const org = await createOrg(t.app.ctx, { name: 'india-org', datacenter: 'in' });
    const actor = { kind: 'api_key', id: 'test', orgId: org.id, role: 'admin', label: 'test' } as const;
    indiaKey = (await createApiKey(t.app.ctx, actor, { name: 'india admin', role: 'admin' })).key;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('GET /api/v1/datacenters', () => {
    it('lists every data center, the org’s own first and marked current', async () => {
      const res = await t.call('GET', '/api/v1/datacenters');
      expect(res.status).toBe(200);
      expect(res.body.items.map((d: { id: string }) => d.id)).toEqual([
        'jp',
        'us',
        'eu',
        'in',
        'au',
        'cn',
        'ca',
        'sa',
        'lab',
      ]);
      expect(
        res.body.items.filter((d: { current: boolean }) => d.current).map((d: { id: string }) => d.id),
      ).toEqual(['jp']);
      const india = await t.call('GET', '/api/v1/datacenters', undefined, indiaKey);
      expect(india.body.items.map((d: { id: string }) => d.id)).toEqual([
        'in',
        'jp',
        'us',
        'eu',
        'au',
        'cn',
        'ca',
        'sa',
        'lab',
      ]);
      expect(india.body.items[0].current).toBe(true);
      expect(india.body.items[1].current).toBe(false);
    });

    it('shows the Japan list as configured and normalized, with its exports', async () => {
      const { body } = await t.call('GET', '/api/v1/datacenters');
      const jp = body.items[0];
      expect(jp).toMatchObject({ id: 'jp', name: 'Japan', bounceDomain: 'bounces.jp.mailroute.example' });
      expect(jp.egress).toHaveLength(13);
      expect(jp.ranges).toEqual({
        ipv4: ['103.163.152.0/23', '165.173.185.0/24', '193.118.160.0/23'],
        ipv6: [],
      });
      expect(jp.exports).toEqual({
        plain: '103.163.152.0/23\n165.173.185.0/24\n193.118.160.0/23',
        postfix: 'mynetworks = 103.163.152.0/23 165.173.185.0/24 193.118.160.0/23',
        spf: 'ip4:103.163.152.0/23 ip4:165.173.185.0/24 ip4:193.118.160.0/23',
      });
    });

    it('normalizes the other lists: US /23s and /24s into one /20, India’s bare addresses as /32s', async () => {
      const { body } = await t.call('GET', '/api/v1/datacenters');
      const byId = new Map(body.items.map((d: { id: string }) => [d.id, d]));
      expect((byId.get('us') as { ranges: unknown }).ranges).toEqual({
        ipv4: [
          '8.39.54.0/23',
          '8.40.222.0/23',
          '135.84.80.0/24',
          '136.143.161.0/24',
          '136.143.176.0/20',
          '165.173.129.0/24',
          '165.173.174.0/23',
          '165.173.180.0/24',
          '165.173.182.0/24',
          '204.141.32.0/23',
          '204.141.42.0/23',
        ],
        ipv6: [],
      });
      expect((byId.get('in') as { ranges: { ipv4: string[] } }).ranges.ipv4).toEqual([
        '103.89.74.0/23',
        '103.103.196.0/23',
        '103.103.198.0/24',
        '103.117.158.0/23',
        '125.17.151.81/32',
        '125.17.212.101/32',
        '199.34.22.38/32',
      ]);
      expect((byId.get('ca') as { ranges: { ipv4: string[] } }).ranges.ipv4).toEqual([
        '199.67.69.0/24',
        '199.67.84.0/22',
      ]);
      expect((byId.get('lab') as { ranges: unknown; exports: { postfix: string } }).ranges).toEqual({
        ipv4: ['192.0.2.0/24'],
        ipv6: ['2001:db8::/32', '3fff::/63'],
      });
      expect((byId.get('lab') as { exports: { postfix: string } }).exports.postfix).toBe(
        'mynetworks = 192.0.2.0/24 [2001:db8::]/32 [3fff::]/63',
      );
    });

    it('needs credentials', async () => {
      expect((await t.call('GET', '/api/v1/datacenters', undefined, null)).status).toBe(401);
    });
  });

  describe('GET /api/v1/datacenters/:id/contains', () => {
    const cases: [string, string, boolean, string | null][] = [
      ['jp', '193.118.160.0', true, '193.118.160.0/23'],
      ['jp', '193.118.161.255', true, '193.118.160.0/23'],
      ['jp', '193.118.162.0', false, null],
      ['jp', '103.163.153.128', true, '103.163.152.0/23'],
      ['in', '125.17.151.81', true, '125.17.151.81/32'],
      ['in', '125.17.151.80', false, null],
      ['lab', '2001:db8:ffff::1', true, '2001:db8::/32'],
      ['lab', '::ffff:192.0.2.200', true, '192.0.2.0/24'],
      ['us', '193.118.160.1', false, null],
    ];
    it.each(cases)('%s holds %s: %s', async (id, ip, inside, range) => {
      const res = await t.call('GET', `/api/v1/datacenters/${id}/contains?ip=${encodeURIComponent(ip)}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ip, contains: inside, range });
    });

    it('answers 400 naming the field for something that is not an address', async () => {
      for (const ip of ['not-an-ip', '193.118.160.0/24', '']) {
        const res = await t.call('GET', `/api/v1/datacenters/jp/contains?ip=${encodeURIComponent(ip)}`);
        expect(res.status, ip).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.fields).toEqual({ ip: 'must be an IPv4 or IPv6 address' });
      }
      const missing = await t.call('GET', '/api/v1/datacenters/jp/contains');
      expect(missing.status).toBe(400);
      expect(missing.body.error.fields).toHaveProperty('ip');
    });

    it('answers 404 for an unknown data center', async () => {
      const res = await t.call('GET', '/api/v1/datacenters/mars/contains?ip=192.0.2.1');
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', message: 'data center "mars" not found' });
    });
  });

  describe('GET /api/v1/datacenters/:id/export', () => {
    it('downloads each format as text/plain', async () => {
      const expected = {
        plain: '192.0.2.0/24\n2001:db8::/32\n3fff::/63\n',
        postfix: 'mynetworks = 192.0.2.0/24 [2001:db8::]/32 [3fff::]/63\n',
        spf: 'ip4:192.0.2.0/24 ip6:2001:db8::/32 ip6:3fff::/63\n',
      };
      for (const [format, text] of Object.entries(expected)) {
        const res = await fetch(`${t.url}/api/v1/datacenters/lab/export?format=${format}`, {
          headers: { authorization: `Bearer ${indiaKey}` },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(res.headers.get('content-disposition')).toBe(`attachment; filename="lab-${format}.txt"`);
        expect(await res.text()).toBe(text);
      }
    });

    it('answers 400 for an unknown format and 404 for an unknown data center', async () => {
      const bad = await t.call('GET', '/api/v1/datacenters/jp/export?format=csv');
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields).toEqual({ format: 'must be "plain", "postfix" or "spf"' });
      expect((await t.call('GET', '/api/v1/datacenters/mars/export?format=plain')).status).toBe(404);
    });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await t.call('GET', '/api/openapi.json', undefined, null);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/datacenters',
        '/api/v1/datacenters/{id}/contains',
        '/api/v1/datacenters/{id}/export',
      ]),
    );
  });
});
