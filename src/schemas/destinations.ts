/**
 * Destinations as the API shows them (issue 21): each shaping rule in force with its state, shared
 * by the whole platform (platform delivery's IP addresses are everyone's).
 */
import { z } from 'zod';

export const pushbackViewSchema = z.object({
  reply: z.string().nullable().describe('Regular expression the reply must match'),
  classifiedAs: z.string().nullable().describe("The reply classifier's rule id it must have"),
  action: z.enum(['pause', 'halve']),
  minutes: z.number().describe('pause: how long; halve: how long each step of recovery takes'),
});

export const destinationViewSchema = z
  .object({
    id: z.string().describe('The rule id: the destination'),
    domains: z.array(z.string()),
    mxSuffixes: z.array(z.string()),
    maxConnections: z.number().int(),
    messagesPerConnection: z.number().int(),
    ratePerMinute: z.number().int().nullable().describe("The rule's rate; null: none"),
    currentRatePerMinute: z
      .number()
      .int()
      .nullable()
      .describe('The rate in force now, lower while a pushback halved it; null: none'),
    connectionsInUse: z.number().int().describe('Connections open to it now, over all processes'),
    sentLastMinute: z.number().int().describe('Messages sent to it in the last minute (with a rate only)'),
    pausedUntil: z.string().nullable().describe('ISO time the pause ends; null: not paused'),
    pausedBy: z.string().nullable().describe('The reply that paused or slowed it last'),
    pushback: z.array(pushbackViewSchema),
  })
  .meta({ id: 'Destination' });

export const destinationListSchema = z.object({
  items: z.array(destinationViewSchema),
  canResume: z.boolean().describe('Whether the caller may resume a destination (platform admins only)'),
});

export const destinationParamsSchema = z.object({
  id: z.string().min(1).max(63).describe('The destination (rule id)'),
});

export type DestinationView = z.infer<typeof destinationViewSchema>;
