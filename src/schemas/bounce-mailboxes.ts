/**
 * The bounce mailbox of a relay (SPEC R19): the IMAP mailbox its fixed bounce address delivers to,
 * polled for bounces. The password is write-only (`passwordSet` in views); `relay-oauth` signs in
 * with the relay's own OAuth connection (Gmail relays, whose consent covers IMAP).
 */
import { z } from 'zod';
import { coded } from './coded-check.js';
import { hostSchema, portSchema, securitySchema, usernameSchema, writeOnlyPasswordSchema } from './relays.js';

/** IMAP atom characters (RFC 3501 `atom`): no specials, spaces or controls. */
const keywordSchema = z
  .string()
  .regex(
    /^\$?[A-Za-z0-9_.-]{1,64}$/,
    'must be an IMAP keyword: letters, digits, "_", "." or "-", optionally after "$"',
  );

const folderSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(
    (v) => ![...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '*' || ch === '%'),
    coded('folder_characters', 'must not contain control characters, "*" or "%"'),
  );

export const bounceMailboxAuthInputSchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        type: z.literal('password'),
        username: usernameSchema,
        password: writeOnlyPasswordSchema,
      })
      .strict(),
    z.object({ type: z.literal('relay-oauth') }).strict(),
  ],
  { error: 'type must be "password" or "relay-oauth"' },
);

export const afterProcessingSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('flag'), keyword: keywordSchema.default('$MailrouteProcessed') }).strict(),
    z
      .object({
        action: z.literal('move'),
        folder: folderSchema,
        keyword: keywordSchema.default('$MailrouteProcessed'),
      })
      .strict(),
  ],
  { error: 'action must be "flag" or "move"' },
);

export const bounceMailboxInputSchema = z
  .object({
    host: hostSchema,
    port: portSchema.default(993),
    security: securitySchema.default('ssl'),
    verifyCertificate: z.boolean().default(true),
    authentication: bounceMailboxAuthInputSchema,
    mailbox: folderSchema.default('INBOX'),
    afterProcessing: afterProcessingSchema.default({ action: 'flag', keyword: '$MailrouteProcessed' }),
    enabled: z.boolean().default(true),
  })
  .strict();
export type BounceMailboxInput = z.infer<typeof bounceMailboxInputSchema>;

export const bounceMailboxSchema = z
  .object({
    relayId: z.string(),
    host: z.string(),
    port: z.number(),
    security: securitySchema,
    verifyCertificate: z.boolean(),
    authentication: z.discriminatedUnion('type', [
      z.object({ type: z.literal('password'), username: z.string(), passwordSet: z.boolean() }),
      z.object({ type: z.literal('relay-oauth') }),
    ]),
    mailbox: z.string(),
    afterProcessing: z.discriminatedUnion('action', [
      z.object({ action: z.literal('flag'), keyword: z.string() }),
      z.object({ action: z.literal('move'), folder: z.string(), keyword: z.string() }),
    ]),
    enabled: z.boolean(),
    status: z.object({
      lastPollAt: z.string().nullable(),
      lastSuccessAt: z.string().nullable(),
      lastError: z.string().nullable(),
      processed: z.number().describe('Messages looked at and marked processed'),
      recorded: z.number().describe('Bounces recorded against a delivery'),
      unmatched: z.number().describe('Bounces naming no delivery of this org'),
      notBounces: z.number().describe('Messages that are not bounces (left in place, marked)'),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'BounceMailbox' });
export type BounceMailboxView = z.infer<typeof bounceMailboxSchema>;

export const bounceMailboxPollSchema = z
  .object({
    ok: z.boolean(),
    error: z.string().nullable(),
    processed: z.number(),
    recorded: z.number(),
    unmatched: z.number(),
    notBounces: z.number(),
  })
  .meta({ id: 'BounceMailboxPoll' });
export type BounceMailboxPoll = z.infer<typeof bounceMailboxPollSchema>;
