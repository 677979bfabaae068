/**
 * The operator's shaping file (`MAILROUTE_SHAPING`, issue 21): a JSON array of destination rules,
 * validated at start-up; a bad field is named with its place in the file
 * (`MAILROUTE_SHAPING: [0].maxConnections must be at least 1`). The rules in force are the file's,
 * then the built-in ones whose ids it does not reuse (`domain/shaping.ts`).
 */
import { z } from 'zod';
import type { PushbackRule, ShapingRule } from '../domain/shaping.js';

const validRegex = (s: string) => {
  try {
    new RegExp(s, 'i');
    return true;
  } catch {
    return false;
  }
};

const hostName = z
  .string()
  .min(1)
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i, 'must be a host name, or *. and a domain');

const pushbackSchema = z
  .object({
    reply: z.string().min(1).refine(validRegex, 'must be a regular expression').optional(),
    classifiedAs: z.string().min(1).optional(),
    action: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('pause'),
        minutes: z.number().positive().max(1440, 'must be at most 1440'),
      }),
      z.object({ kind: z.literal('halve'), recoverMinutes: z.number().positive().max(1440) }),
    ]),
  })
  .strict()
  .refine((p) => p.reply !== undefined || p.classifiedAs !== undefined, {
    message: 'needs reply or classifiedAs',
  });

export const shapingRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - or _'),
    domains: z.array(hostName).default([]),
    mxSuffixes: z.array(hostName).default([]),
    maxConnections: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100'),
    messagesPerConnection: z.number().int().min(1, 'must be at least 1').max(10_000).default(100),
    ratePerMinute: z.number().int().min(1, 'must be at least 1').max(100_000).nullable().default(null),
    pushback: z.array(pushbackSchema).default([]),
  })
  .strict()
  .refine((r) => r.domains.length > 0 || r.mxSuffixes.length > 0, {
    message: 'needs at least one of domains and mxSuffixes',
    path: ['domains'],
  })
  .refine((r) => r.ratePerMinute !== null || r.pushback.every((p) => p.action.kind !== 'halve'), {
    message: 'a halve action needs ratePerMinute',
    path: ['ratePerMinute'],
  })
  .transform(
    (r): ShapingRule => ({
      ...r,
      pushback: r.pushback as PushbackRule[],
    }),
  );
