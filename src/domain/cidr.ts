/**
 * IP ranges as CIDR blocks (SPEC R22): parsing, normalizing a list into the minimal set of blocks
 * covering exactly the same addresses (duplicates dropped, nested and adjacent ranges merged), and
 * containment. Pure. Policy: a bare address is a /32 or /128; IPv4 is dotted decimal only; a block
 * with host bits set, a zone id or anything else unparsable is a `CidrError` naming the entry.
 */
import ipaddr from 'ipaddr.js';

export type IpFamily = 'ipv4' | 'ipv6';

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface CidrBlock {
  family: IpFamily;
  network: bigint;
  prefix: number;
}

export interface NormalizedRanges {
  ipv4: string[];
  ipv6: string[];
}

export class CidrError extends Error {
  override name = 'CidrError';
  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(`"${entry}" ${reason}`);
  }
}

const bitsOf: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };
const notAnAddress = 'is not an IPv4 or IPv6 address';

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

function toBytes(value: bigint, family: IpFamily): number[] {
  const count = bitsOf[family] / 8;
  return Array.from({ length: count }, (_, i) => Number((value >> BigInt((count - 1 - i) * 8)) & 0xffn));
}

export function parseAddress(text: string): IpAddress {
  const s = text.trim();
  if (s.includes(':')) {
    if (s.includes('%') || !ipaddr.IPv6.isValid(s)) throw new CidrError(text, notAnAddress);
    return { family: 'ipv6', value: toBigInt(ipaddr.IPv6.parse(s).toByteArray()) };
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) throw new CidrError(text, notAnAddress);
  return { family: 'ipv4', value: toBigInt(ipaddr.IPv4.parse(s).toByteArray()) };
}

export function isIpAddress(text: string): boolean {
  try {
    parseAddress(text);
    return true;
  } catch {
    return false;
  }
}

export function formatAddress(address: IpAddress): string {
  return ipaddr.fromByteArray(toBytes(address.value, address.family)).toString();
}

export function formatBlock(block: CidrBlock): string {
  return `${formatAddress({ family: block.family, value: block.network })}/${block.prefix}`;
}

const hostBits = (block: CidrBlock) => BigInt(bitsOf[block.family] - block.prefix);

/** `a.b.c.d/n`, `x::y/n`, or a bare address (a single-address block). */
export function parseCidr(text: string): CidrBlock {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || !addressText) throw new CidrError(text, 'is not a CIDR block or an address');
  let address: IpAddress;
  try {
    address = parseAddress(addressText);
  } catch {
    throw new CidrError(text, `${notAnAddress} or CIDR block`);
  }
  const bits = bitsOf[address.family];
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) {
    throw new CidrError(text, `has an invalid prefix length (0 to ${bits} for ${address.family})`);
  }
  const block: CidrBlock = { family: address.family, network: address.value, prefix };
  const network = (address.value >> hostBits(block)) << hostBits(block);
  if (network !== address.value) {
    throw new CidrError(text, `has host bits set; the block is ${formatBlock({ ...block, network })}`);
  }
  return block;
}

interface Interval {
  first: bigint;
  last: bigint;
}

function mergeIntervals(blocks: readonly CidrBlock[]): Interval[] {
  const sorted = blocks
    .map((b) => ({ first: b.network, last: b.network + (1n << hostBits(b)) - 1n }))
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged.at(-1);
    if (last && next.first <= last.last + 1n) {
      if (next.last > last.last) last.last = next.last;
    } else {
      merged.push({ ...next });
    }
  }
  return merged;
}

/** The fewest blocks covering exactly `first..last`: each the largest aligned block that fits. */
function blocksOf({ first, last }: Interval, family: IpFamily): CidrBlock[] {
  const bits = bitsOf[family];
  const out: CidrBlock[] = [];
  let start = first;
  while (start <= last) {
    let prefix = bits;
    while (prefix > 0) {
      const size = 1n << BigInt(bits - prefix + 1);
      if (start % size !== 0n || start + size - 1n > last) break;
      prefix--;
    }
    out.push({ family, network: start, prefix });
    start += 1n << BigInt(bits - prefix);
  }
  return out;
}

export function normalizeBlocks(blocks: readonly CidrBlock[], family: IpFamily): CidrBlock[] {
  return mergeIntervals(blocks.filter((b) => b.family === family)).flatMap((i) => blocksOf(i, family));
}

/** The minimal covering set, per family, in address order. Throws `CidrError` on the first bad entry. */
export function normalizeRanges(entries: readonly string[]): NormalizedRanges {
  const blocks = entries.map(parseCidr);
  return {
    ipv4: normalizeBlocks(blocks, 'ipv4').map(formatBlock),
    ipv6: normalizeBlocks(blocks, 'ipv6').map(formatBlock),
  };
}

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as dual-stack sockets report peers) is its IPv4. */
function unmapped(address: IpAddress): IpAddress {
  if (address.family === 'ipv6' && address.value >> 32n === 0xffffn) {
    return { family: 'ipv4', value: address.value & 0xffffffffn };
  }
  return address;
}

/** The first of `ranges` holding `ip`, as a canonical block, or null. Throws `CidrError` on bad input. */
export function rangeContaining(ranges: readonly string[], ip: string): string | null {
  const address = unmapped(parseAddress(ip));
  for (const entry of ranges) {
    const block = parseCidr(entry);
    if (block.family !== address.family) continue;
    if (address.value >> hostBits(block) === block.network >> hostBits(block)) return formatBlock(block);
  }
  return null;
}

export function contains(ranges: readonly string[], ip: string): boolean {
  return rangeContaining(ranges, ip) !== null;
}
