/** The bulk senders' compliance check of a sending domain (issue 17), built from `domain/compliance.ts`. */
import { z } from 'zod';
import { spfResults } from '../domain/authentication-check.js';
import { complianceRules, complianceStatuses } from '../domain/compliance.js';
import {
  type DomainRecordCheck,
  domainRecordKinds,
  domainRecordStatuses,
} from '../domain/domain-record-checks.js';

const message = z.object({ ja: z.string(), en: z.string() });

export const complianceFindingSchema = z.object({
  rule: z.enum(complianceRules),
  route: z.string().nullable().describe('`platform`, a relay name, or null for the domain as a whole'),
  status: z.enum(complianceStatuses),
  providerRule: message.describe('The mailbox providers’ requirement this finding comes from'),
  message,
  record: z
    .object({ type: z.enum(['TXT', 'PTR', 'A', 'AAAA']), name: z.string(), value: z.string() })
    .optional()
    .describe('The record to publish'),
});

export const domainRecordCheckSchema: z.ZodType<DomainRecordCheck> = z
  .object({
    record: z.enum(domainRecordKinds),
    status: z
      .enum(domainRecordStatuses)
      .describe(
        '`ok`; else `missing`, `mismatch` (another DKIM key), `no_key`, `fail` (SPF on some route), `dns_error`',
      ),
    name: z.string().nullable().describe('The name looked up'),
    failing: z
      .array(z.object({ route: z.string(), domain: z.string(), result: z.enum(spfResults) }))
      .optional()
      .describe('SPF only: the routes on which it does not pass'),
  })
  .meta({ id: 'DomainRecordCheck' });

export const complianceCheckSchema = z
  .object({
    domain: z.string(),
    routes: z.array(z.object({ name: z.string(), spf: z.string(), dmarc: z.string() })),
    findings: z.array(complianceFindingSchema),
    records: z
      .array(domainRecordCheckSchema)
      .describe('A live check of each record of the domain: verification, DKIM, SPF, DMARC'),
  })
  .meta({ id: 'ComplianceCheck' });
