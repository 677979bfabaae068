/**
 * The authentication check of a relay (SPEC R21, §3 `GET /api/v1/relays/:id/authentication`): what
 * SPF says on each hop, whether DKIM is present and aligned, the DMARC verdict, and what to fix.
 * Results are named as mailauth names them. Beyond §3's shape: `domain` (the From domain checked),
 * each hop's SPF `record`, the DKIM record to publish, and the domain's verification TXT check.
 */
import { z } from 'zod';
import {
  type AuthenticationCheck,
  dmarcResults,
  type Finding,
  findingCodes,
  findingSeverities,
  type Hop,
  hopEndpoints,
  spfResults,
  type TxtRecord,
} from '../domain/authentication-check.js';

export const spfResultSchema = z.enum(spfResults);

export const dmarcResultSchema = z.enum(dmarcResults);

const endpoint = z.enum(hopEndpoints);

export const hopSchema: z.ZodType<Hop> = z.object({
  from: endpoint,
  to: endpoint,
  spf: z.object({
    result: spfResultSchema,
    domain: z.string().describe('The return-path domain whose SPF record is evaluated'),
    ip: z.string().nullable().describe('The sending address evaluated (null: the relay host has none)'),
    record: z.string().nullable().describe('The SPF record found, if any'),
  }),
});

const txtRecord: z.ZodType<TxtRecord> = z.object({
  type: z.literal('TXT'),
  name: z.string(),
  value: z.string(),
});

export const findingSchema: z.ZodType<Finding> = z.object({
  severity: z.enum(findingSeverities),
  code: z.enum(findingCodes),
  message: z.object({ ja: z.string(), en: z.string() }),
  record: txtRecord.optional().describe('The exact DNS record to publish, where the fix is one'),
  ranges: z.array(z.string()).optional().describe('Egress ranges to allow-list on the relay'),
});

export const authenticationCheckSchema: z.ZodType<AuthenticationCheck> = z
  .object({
    domain: z.string().describe('The From domain checked (the relay’s domain)'),
    returnPath: z.string().describe('The envelope sender receivers see, `*` standing for any local part'),
    hops: z.array(hopSchema),
    dkim: z.object({
      signing: z.boolean().describe('Whether mailroute signs this mail with DKIM'),
      domain: z.string().nullable().describe('The signing domain (d=)'),
      aligned: z.boolean(),
      record: z.object({
        name: z.string().nullable(),
        found: z.boolean(),
        valid: z.boolean().describe('The record publishes the key mailroute signs with'),
        expected: txtRecord.nullable(),
      }),
    }),
    dmarc: z.object({
      record: z.string().nullable(),
      policy: z.string().nullable().describe('`none`, `quarantine` or `reject`: `sp` for a subdomain'),
      result: dmarcResultSchema,
    }),
    verification: z.object({ record: txtRecord, found: z.boolean() }),
    findings: z.array(findingSchema),
  })
  .meta({ id: 'AuthenticationCheck' });
