/**
 * Data centers as the API shows them (SPEC R22), the IP checker, the export download, and the
 * public record of the platform's DKIM key (SPEC R15).
 */
import { z } from 'zod';
import { isIpAddress } from '../domain/cidr.js';
import { exportFormats } from '../domain/datacenter-exports.js';
import { coded } from './coded-check.js';
import { dnsRecordSchema } from './domains.js';

const mustBeIp = 'must be an IPv4 or IPv6 address';

export const ipRangesSchema = z
  .object({ ipv4: z.array(z.string()), ipv6: z.array(z.string()) })
  .describe('The egress ranges normalized: duplicates removed, nested and adjacent ranges merged');

export const dataCenterViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    bounceDomain: z.string(),
    current: z.boolean().describe("Whether this is the org's own data center (listed first)"),
    egress: z.array(z.string()).describe('The egress ranges as configured'),
    ranges: ipRangesSchema,
    exports: z.object({
      plain: z.string().describe('One block a line'),
      postfix: z.string().describe('A Postfix `mynetworks = …` line'),
      spf: z.string().describe('SPF `ip4:`/`ip6:` terms'),
    }),
  })
  .meta({ id: 'DataCenter' });

export type DataCenterView = z.infer<typeof dataCenterViewSchema>;

export const dataCenterListSchema = z.object({ items: z.array(dataCenterViewSchema) });

export const containsQuerySchema = z.object({
  ip: z.string({ error: mustBeIp }).max(100, mustBeIp).refine(isIpAddress, coded('ip_address', mustBeIp)),
});

export const containsResultSchema = z
  .object({
    ip: z.string(),
    contains: z.boolean(),
    range: z.string().nullable().describe("The data center's normalized block holding the address"),
  })
  .meta({ id: 'DataCenterContains' });

export type ContainsResult = z.infer<typeof containsResultSchema>;

export const exportQuerySchema = z.object({
  format: z.enum(exportFormats, { error: 'must be "plain", "postfix" or "spf"' }),
});

export const platformDkimSchema = z
  .object({
    dataCenter: z.string().describe('The data center id'),
    domain: z.string().describe('Its bounce domain: the `d=` of the signatures'),
    selector: z.string(),
    algorithm: z.enum(['rsa-2048', 'ed25519']),
    dnsRecord: dnsRecordSchema.describe('The TXT record to publish so the signatures verify'),
    createdAt: z.string(),
  })
  .describe(
    "The platform's DKIM key of a data center: platform delivery signs with it mail whose From domain has no key of its own",
  )
  .meta({ id: 'PlatformDkimKey' });

export type PlatformDkimView = z.infer<typeof platformDkimSchema>;
