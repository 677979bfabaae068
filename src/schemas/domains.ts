/** Sending domains with their verification record and DKIM key (SPEC §3 `/api/v1/domains`). */
import { z } from 'zod';

export const dnsRecordSchema = z
  .object({ type: z.literal('TXT'), name: z.string(), value: z.string() })
  .meta({ id: 'DnsRecord' });

export const dkimViewSchema = z.object({
  selector: z.string(),
  algorithm: z.enum(['rsa-2048', 'ed25519']),
  status: z.enum(['pending', 'active']).describe('pending: signs once its DNS record is seen'),
  dnsRecord: dnsRecordSchema,
  createdAt: z.string(),
});

export const domainSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    verified: z.boolean(),
    verifiedAt: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    verification: dnsRecordSchema,
    dkim: dkimViewSchema.nullable().describe('The key that signs now'),
    dkimPending: dkimViewSchema.nullable().describe('A rotated key waiting for its DNS record'),
    createdAt: z.string(),
  })
  .meta({ id: 'Domain' });

export type DomainView = z.infer<typeof domainSchema>;

export const dkimAlgorithmSchema = z.enum(['rsa-2048', 'ed25519'], {
  error: 'must be "rsa-2048" or "ed25519"',
});

export const domainCreateSchema = z
  .object({
    name: z.string().min(1, 'must not be empty').max(253, 'must be at most 253 characters'),
    dkimAlgorithm: dkimAlgorithmSchema.default('rsa-2048'),
  })
  .strict();

export const dkimRotateSchema = z.object({ algorithm: dkimAlgorithmSchema.default('rsa-2048') }).strict();

export const verifyResultSchema = z.object({
  domain: domainSchema,
  checks: z.array(
    z.object({
      record: z.enum(['verification', 'dkim', 'dkimPending']),
      name: z.string(),
      found: z.boolean(),
      detail: z.string(),
    }),
  ),
});
