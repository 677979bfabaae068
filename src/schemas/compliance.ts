/** The bulk senders' compliance check of a sending domain (issue 17), built from `domain/compliance.ts`. */
import { z } from 'zod';
import { complianceRules, complianceStatuses } from '../domain/compliance.js';

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

export const complianceCheckSchema = z
  .object({
    domain: z.string(),
    routes: z.array(z.object({ name: z.string(), spf: z.string(), dmarc: z.string() })),
    findings: z.array(complianceFindingSchema),
  })
  .meta({ id: 'ComplianceCheck' });
