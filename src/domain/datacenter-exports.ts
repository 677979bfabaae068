/**
 * Ready-to-paste forms of a data center's normalized ranges (SPEC R22): a plain list (one block a
 * line), a Postfix `mynetworks` line (IPv6 as `[addr]/len`, as Postfix requires) and SPF `ip4:`/`ip6:`
 * terms. IPv4 first, then IPv6, each in address order; single addresses keep their /32 or /128.
 */
import type { NormalizedRanges } from './cidr.js';

export const exportFormats = ['plain', 'postfix', 'spf'] as const;

export type ExportFormat = (typeof exportFormats)[number];

export type RangeExports = Record<ExportFormat, string>;

export function plainList(ranges: NormalizedRanges): string {
  return [...ranges.ipv4, ...ranges.ipv6].join('\n');
}

const bracketed = (block: string) => {
  const slash = block.lastIndexOf('/');
  return `[${block.slice(0, slash)}]${block.slice(slash)}`;
};

export function postfixMynetworks(ranges: NormalizedRanges): string {
  return `mynetworks = ${[...ranges.ipv4, ...ranges.ipv6.map(bracketed)].join(' ')}`.trimEnd();
}

export function spfTerms(ranges: NormalizedRanges): string {
  return [...ranges.ipv4.map((b) => `ip4:${b}`), ...ranges.ipv6.map((b) => `ip6:${b}`)].join(' ');
}

export function exportRanges(ranges: NormalizedRanges): RangeExports {
  return { plain: plainList(ranges), postfix: postfixMynetworks(ranges), spf: spfTerms(ranges) };
}
