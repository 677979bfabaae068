/** API keys: listed without their secret; the full key is in the create response only. */
import { z } from 'zod';
import { emailTypeSchema } from './relays.js';

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'send']),
    defaultType: emailTypeSchema.describe(
      'Email type of SMTP submissions without an X-Mailroute-Type header',
    ),
    prefix: z.string().describe('The first characters of the key, to tell keys apart'),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const apiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    role: z.enum(['admin', 'send'], { error: 'must be "admin" or "send"' }),
    defaultType: emailTypeSchema
      .default('individual')
      .describe('Email type of SMTP submissions without an X-Mailroute-Type header'),
  })
  .strict();

export const apiKeyCreatedSchema = apiKeySchema.extend({
  key: z.string().describe('The secret key; shown only in this response'),
});

export const submissionInfoSchema = z
  .object({
    enabled: z.boolean().describe('Whether this server takes mail over SMTP submission'),
    host: z.string().describe('The address the submission server listens on'),
    loopbackOnly: z.boolean().describe('Whether it listens on a loopback address only'),
    port: z.number().int().nullable().describe('The port with STARTTLS, or null when off'),
    tlsPort: z.number().int().nullable().describe('The port with implicit TLS, or null when off'),
  })
  .meta({ id: 'SubmissionInfo' });
export type SubmissionInfo = z.infer<typeof submissionInfoSchema>;

export type ApiKeyView = z.infer<typeof apiKeySchema>;
