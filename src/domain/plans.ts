/**
 * Plans: the limits an org lives within (SPEC R3, R11). Built-in defaults follow the seed:
 * at most 5 domains on every plan; 3 relays per domain on the standard plan, 5 on the top plan.
 */
import { z } from 'zod';

export const planSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _'),
  dailyLimit: z.number().int().min(1, 'must be at least 1'),
  maxDomains: z.number().int().min(1, 'must be at least 1'),
  maxRelaysPerDomain: z.number().int().min(1, 'must be at least 1'),
});

export type Plan = z.infer<typeof planSchema>;

export const builtInPlans: readonly Plan[] = Object.freeze([
  { name: 'standard', dailyLimit: 5000, maxDomains: 5, maxRelaysPerDomain: 3 },
  { name: 'top', dailyLimit: 50000, maxDomains: 5, maxRelaysPerDomain: 5 },
]);
