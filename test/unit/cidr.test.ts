import { describe, expect, it } from 'vitest';
import {
  CidrError,
  contains,
  isIpAddress,
  normalizeRanges,
  parseCidr,
  rangeContaining,
} from '../../src/domain/cidr.js';
import { exportRanges } from '../../src/domain/datacenter-exports.js';

/** The Japan data center's list as published: repeats, /32s inside /24s, two /25 halves of a /24. */
const jp = [
  '193.118.160.0/24',
  '193.118.161.0/24',
  '103.163.152.0/24',
  '103.163.153.0/25',
  '103.163.153.128/25',
  '165.173.185.0/25',
  '165.173.185.128/25',
  '193.118.160.37/32',
  '193.118.161.37/32',
  '103.163.152.0/24',
  '103.163.153.0/24',
  '193.118.160.0/24',
  '193.118.161.0/24',
];

/** The India data center's list as published: single addresses without a prefix length among /24s. */
const india = [
  '103.103.196.0/24 ',
  '103.103.197.0/24 ',
  '103.117.158.0/24 ',
  '103.89.75.0/24 ',
  '125.17.151.81',
  '125.17.212.101 ',
  '103.89.75.3',
  '103.89.75.7 ',
  '103.103.198.0/24 ',
  '103.117.159.0/24 ',
  '103.89.74.0/24 ',
  '199.34.22.38',
  '103.89.74.3',
  '103.89.74.7',
];

describe('normalizeRanges', () => {
  it('reduces the Japan list to three blocks: /24 pairs become /23s, /25 halves a /24, /32s vanish', () => {
    expect(normalizeRanges(jp)).toEqual({
      ipv4: ['103.163.152.0/23', '165.173.185.0/24', '193.118.160.0/23'],
      ipv6: [],
    });
  });

  it('keeps the India list’s bare addresses as /32s and merges only aligned neighbours', () => {
    expect(normalizeRanges(india)).toEqual({
      ipv4: [
        '103.89.74.0/23',
        '103.103.196.0/23',
        '103.103.198.0/24',
        '103.117.158.0/23',
        '125.17.151.81/32',
        '125.17.212.101/32',
        '199.34.22.38/32',
      ],
      ipv6: [],
    });
  });

  const cases: [string, string[], { ipv4: string[]; ipv6: string[] }][] = [
    ['an empty list stays empty', [], { ipv4: [], ipv6: [] }],
    ['a duplicate is listed once', ['10.0.0.0/8', '10.0.0.0/8'], { ipv4: ['10.0.0.0/8'], ipv6: [] }],
    [
      'a block nested in a bigger one disappears, wherever it is listed',
      ['10.1.2.0/24', '10.0.0.0/8', '10.200.0.0/16'],
      { ipv4: ['10.0.0.0/8'], ipv6: [] },
    ],
    [
      'partly overlapping ranges become their union',
      ['10.0.0.0/23', '10.0.1.0/24', '10.0.2.0/23'],
      { ipv4: ['10.0.0.0/22'], ipv6: [] },
    ],
    [
      'two aligned adjacent /24s become one /23',
      ['198.51.100.0/24', '198.51.101.0/24'],
      { ipv4: ['198.51.100.0/23'], ipv6: [] },
    ],
    [
      'two adjacent /24s straddling a /23 boundary stay two blocks',
      ['198.51.101.0/24', '198.51.102.0/24'],
      { ipv4: ['198.51.101.0/24', '198.51.102.0/24'], ipv6: [] },
    ],
    [
      'a /26 followed by the adjacent upper /25 stays two blocks (no /24 covers exactly that)',
      ['118.126.63.128/25', '118.126.63.64/26'],
      { ipv4: ['118.126.63.64/26', '118.126.63.128/25'], ipv6: [] },
    ],
    [
      'three adjacent /24s become the fewest aligned blocks',
      ['203.0.113.0/24', '203.0.114.0/24', '203.0.115.0/24'],
      { ipv4: ['203.0.113.0/24', '203.0.114.0/23'], ipv6: [] },
    ],
    [
      'a run of single addresses becomes aligned blocks',
      ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'],
      { ipv4: ['192.0.2.1/32', '192.0.2.2/31', '192.0.2.4/32'], ipv6: [] },
    ],
    [
      'the whole IPv4 space is one /0',
      ['0.0.0.0/1', '128.0.0.0/1', '10.0.0.1'],
      { ipv4: ['0.0.0.0/0'], ipv6: [] },
    ],
    [
      'IPv6 halves merge, a nested address vanishes, and addresses are written compressed',
      ['2001:db8::/33', '2001:0DB8:8000::/33', '2001:db8:0:0::1'],
      { ipv4: [], ipv6: ['2001:db8::/32'] },
    ],
    [
      'a bare IPv6 address is a /128; adjacent unaligned /64s stay apart',
      ['2001:db8::1', '2001:db8:0:1::/64', '2001:db8:0:2::/64'],
      { ipv4: [], ipv6: ['2001:db8::1/128', '2001:db8:0:1::/64', '2001:db8:0:2::/64'] },
    ],
    [
      'IPv4 and IPv6 are normalized separately, each in address order',
      ['::1', '127.0.0.0/8', '2001:db8::/32', '10.0.0.0/8'],
      { ipv4: ['10.0.0.0/8', '127.0.0.0/8'], ipv6: ['::1/128', '2001:db8::/32'] },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(normalizeRanges(input)).toEqual(expected);
  });

  it('is idempotent', () => {
    const once = normalizeRanges([...jp, ...india, '2001:db8::/33', '2001:db8:8000::/33']);
    expect(normalizeRanges([...once.ipv4, ...once.ipv6])).toEqual(once);
  });
});

describe('parseCidr refuses bad entries, naming them', () => {
  const bad: [string, string][] = [
    ['not-an-ip', 'is not an IPv4 or IPv6 address'],
    ['', 'is not a CIDR block'],
    ['10.0.0.0/33', 'invalid prefix length (0 to 32 for ipv4)'],
    ['2001:db8::/129', 'invalid prefix length (0 to 128 for ipv6)'],
    ['10.0.0.0/', 'invalid prefix length'],
    ['10.0.0.0/8/8', 'is not a CIDR block'],
    ['10.0.0.5/24', 'has host bits set; the block is 10.0.0.0/24'],
    ['2001:db8::1/32', 'has host bits set; the block is 2001:db8::/32'],
    ['256.1.1.1', 'is not an IPv4 or IPv6 address'],
    ['127.1', 'is not an IPv4 or IPv6 address'],
    ['0x7f.0.0.1', 'is not an IPv4 or IPv6 address'],
    ['fe80::1%eth0', 'is not an IPv4 or IPv6 address'],
  ];
  it.each(bad)('"%s"', (entry, reason) => {
    expect(() => parseCidr(entry)).toThrow(CidrError);
    expect(() => parseCidr(entry)).toThrow(`"${entry}"`);
    expect(() => parseCidr(entry)).toThrow(reason);
  });

  it('normalizeRanges names the first bad entry of a list', () => {
    expect(() => normalizeRanges(['10.0.0.0/8', '10.0.0.0/40'])).toThrow('"10.0.0.0/40" has an invalid');
  });
});

describe('contains', () => {
  const ranges = ['193.118.160.0/23', '103.163.152.0/23', '2001:db8::/32', '125.17.151.81'];
  const cases: [string, string, string | null][] = [
    ['the first address of a block', '193.118.160.0', '193.118.160.0/23'],
    ['the last address of a block', '193.118.161.255', '193.118.160.0/23'],
    ['the address just before a block', '193.118.159.255', null],
    ['the address just after a block', '193.118.162.0', null],
    ['a single listed address', '125.17.151.81', '125.17.151.81/32'],
    ['the neighbour of a single address', '125.17.151.82', null],
    ['the first IPv6 address of a block', '2001:db8::', '2001:db8::/32'],
    ['the last IPv6 address of a block', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32'],
    ['the IPv6 address just after a block', '2001:db9::', null],
    ['an IPv4-mapped IPv6 address, as its IPv4', '::ffff:103.163.153.7', '103.163.152.0/23'],
    ['an IPv4 address never matches an IPv6 block of the same bits', '32.1.13.184', null],
  ];
  it.each(cases)('%s (%s)', (_name, ip, range) => {
    expect(rangeContaining(ranges, ip)).toBe(range);
    expect(contains(ranges, ip)).toBe(range !== null);
  });

  it('reports the normalized block when given normalized ranges', () => {
    const { ipv4 } = normalizeRanges(jp);
    expect(rangeContaining(ipv4, '103.163.153.200')).toBe('103.163.152.0/23');
  });

  it('refuses something that is not an address', () => {
    expect(() => contains(ranges, '193.118.160.0/24')).toThrow(CidrError);
    expect(isIpAddress('193.118.160.0/24')).toBe(false);
    expect(isIpAddress('example.com')).toBe(false);
    expect(isIpAddress('2001:db8::1')).toBe(true);
  });
});

describe('exports', () => {
  it('writes a plain list, a Postfix mynetworks line and SPF terms', () => {
    const ranges = normalizeRanges(['192.0.2.1', '198.51.100.0/24', '2001:db8::/32', '2001:db8:1::1']);
    expect(exportRanges(ranges)).toEqual({
      plain: '192.0.2.1/32\n198.51.100.0/24\n2001:db8::/32',
      postfix: 'mynetworks = 192.0.2.1/32 198.51.100.0/24 [2001:db8::]/32',
      spf: 'ip4:192.0.2.1/32 ip4:198.51.100.0/24 ip6:2001:db8::/32',
    });
  });

  it('writes empty forms for an empty list', () => {
    expect(exportRanges(normalizeRanges([]))).toEqual({ plain: '', postfix: 'mynetworks =', spf: '' });
  });
});
