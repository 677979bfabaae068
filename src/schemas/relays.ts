/**
 * Relays (SPEC R2): one SMTP server of the org's for one sending domain. The same schemas validate
 * the API, build the OpenAPI document and drive the console's form. Secrets are write-only:
 * responses say `passwordSet` / `connected` instead.
 */
import { z } from 'zod';
import type { BounceHandling, BounceHandlingInput } from '../domain/bounce-handling.js';
import { emailTypes } from '../domain/email-types.js';
import { type RelayWarning, relayWarningCodes } from '../domain/relay-warnings.js';
import { coded } from './coded-check.js';

export const emailTypeSchema = z.enum(emailTypes, { error: 'must be "workflow", "mass" or "individual"' });

export const securitySchema = z.enum(['ssl', 'tls', 'none'], {
  error: 'must be "ssl" (implicit TLS), "tls" (STARTTLS) or "none"',
});

export const bounceHandlingSchema: z.ZodType<BounceHandling, BounceHandlingInput> = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('platform'), fixedReturnPath: z.boolean().default(false) }).strict(),
    z.object({ mode: z.literal('from') }).strict(),
    z.object({ mode: z.literal('address'), address: z.string().min(3).max(320) }).strict(),
  ],
  { error: 'mode must be "platform", "from" or "address"' },
);

/** A server's host name or address, and its port (relays, bounce mailboxes). */
export const hostSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters');
export const portSchema = z
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/** Sign-in with a password: the password is write-only, and left out to keep the stored one. */
export const usernameSchema = z.string().trim().min(1, 'must not be empty').max(320);
export const writeOnlyPasswordSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(1000)
  .optional()
  .describe('Write-only; omit to keep the stored one');

export const authenticationInputSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('none') }).strict(),
    z
      .object({
        type: z.literal('password'),
        service: z.literal('other').default('other'),
        username: usernameSchema,
        password: writeOnlyPasswordSchema,
      })
      .strict(),
    z
      .object({
        type: z.literal('oauth2'),
        service: z.enum(['gmail', 'microsoft365'], { error: 'must be "gmail" or "microsoft365"' }),
        user: z.email('must be the mailbox address that signs in'),
      })
      .strict(),
  ],
  { error: 'type must be "none", "password" or "oauth2"' },
);

const positiveInt = (max: number) =>
  z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`);

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  verifyCertificate: z.boolean(),
  caCertificate: z.string().max(50_000).nullable().describe('PEM certificate(s) to trust for this relay'),
  dailyLimit: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1'),
  domainId: z.string().min(1, 'must not be empty'),
  emailTypes: z
    .array(emailTypeSchema)
    .min(1, 'select at least one email type')
    .refine((a) => new Set(a).size === a.length, coded('repeated', 'must not repeat a type')),
  dkimSigning: z.boolean(),
  bounceHandling: bounceHandlingSchema,
  authentication: authenticationInputSchema,
  priority: positiveInt(1000).describe('Lower is tried first'),
  maxConnections: positiveInt(100),
  rateLimitPerMinute: positiveInt(1_000_000).nullable(),
  enabled: z.boolean(),
};

export const relayCreateSchema = z
  .object({
    ...fields,
    verifyCertificate: fields.verifyCertificate.default(true),
    caCertificate: fields.caCertificate.default(null),
    dkimSigning: fields.dkimSigning.default(true),
    bounceHandling: fields.bounceHandling.default({ mode: 'platform', fixedReturnPath: false }),
    authentication: fields.authentication.default({ type: 'none' }),
    priority: fields.priority.default(1),
    maxConnections: fields.maxConnections.default(5),
    rateLimitPerMinute: fields.rateLimitPerMinute.default(null),
    enabled: fields.enabled.default(true),
  })
  .strict();
export type RelayInput = z.infer<typeof relayCreateSchema>;

export const relayPatchSchema = z.object(fields).partial().strict();
export type RelayPatch = z.infer<typeof relayPatchSchema>;

export const relayWarningSchema: z.ZodType<RelayWarning> = z.object({
  code: z.enum(relayWarningCodes),
  message: z.object({ ja: z.string(), en: z.string() }),
  ranges: z.array(z.string()).optional().describe('Egress ranges to allow-list on the relay'),
});

export const authenticationViewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({
    type: z.literal('password'),
    service: z.literal('other'),
    username: z.string(),
    passwordSet: z.boolean(),
  }),
  z.object({
    type: z.literal('oauth2'),
    service: z.enum(['gmail', 'microsoft365']),
    user: z.string(),
    connected: z.boolean(),
    status: z.enum(['pending', 'connected', 'reauth_required']),
  }),
]);

export const relaySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    host: z.string(),
    port: z.number(),
    security: securitySchema,
    verifyCertificate: z.boolean(),
    caCertificate: z.string().nullable(),
    dailyLimit: z.number(),
    domainId: z.string(),
    domain: z.string(),
    emailTypes: z.array(emailTypeSchema),
    dkimSigning: z.boolean(),
    bounceHandling: bounceHandlingSchema,
    authentication: authenticationViewSchema,
    priority: z.number(),
    maxConnections: z.number(),
    rateLimitPerMinute: z.number().nullable(),
    enabled: z.boolean(),
    status: z.enum(['active', 'disabled', 'suspended']),
    suspendedUntil: z.string().nullable(),
    suspendedReason: z
      .string()
      .nullable()
      .describe('While suspended: the last error that suspended the relay (null when not known)'),
    usageToday: z.number(),
    warnings: z.array(relayWarningSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Relay' });
export type RelayView = z.infer<typeof relaySchema>;

export const relayTestResultSchema = z
  .object({
    ok: z.boolean(),
    steps: z.array(
      z.object({
        step: z.enum(['dns', 'tcp', 'tls', 'ehlo', 'auth', 'mail']),
        ok: z.boolean(),
        ms: z.number(),
        reply: z.string().optional(),
        detail: z.string().optional(),
        summary: z
          .object({
            code: z.enum(['dns-ip', 'dns-resolved', 'tcp-connected', 'mail-accepted']),
            params: z.record(z.string(), z.string()),
          })
          .optional()
          .describe('`detail` of a step that passed, as a code and parameters for a client to word'),
        explanation: z.object({ ja: z.string(), en: z.string() }).optional(),
        issue: z.string().optional(),
        certificate: z
          .object({
            verdict: z.string(),
            problems: z.array(z.string()),
            subject: z.string(),
            issuer: z.string(),
            validFrom: z.string(),
            validTo: z.string(),
            altNames: z.string(),
            fingerprint256: z.string(),
            chainError: z.string().optional(),
          })
          .optional(),
      }),
    ),
  })
  .meta({ id: 'RelayTestResult' });
export type RelayTestResult = z.infer<typeof relayTestResultSchema>;
