/**
 * Why a delivery took its route, as the message detail returns it: the value of
 * `domain/route-reasons.ts`, each relay with its name (null once the relay is deleted). Typed
 * against the domain's value, so the two stay in step.
 */
import { z } from 'zod';
import { emailTypes } from '../domain/email-types.js';
import {
  fallbackCauses,
  type RelayReason,
  type RouteReasons,
  routeDecisions,
} from '../domain/route-reasons.js';

const relay = {
  relay: z.string().describe('The relay id'),
  name: z.string().nullable().describe('The relay name (null: deleted since)'),
};
const at = z.string().describe('ISO 8601');
const outcome = { status: z.string(), rule: z.string().describe('The SMTP outcome rule') };

export const relayReasonSchema = z
  .discriminatedUnion('code', [
    z.object({ ...relay, code: z.literal('sent') }),
    z.object({ ...relay, code: z.literal('bounced'), ...outcome }),
    z.object({ ...relay, code: z.literal('other_domain') }),
    z.object({ ...relay, code: z.literal('type_off'), type: z.enum(emailTypes) }),
    z.object({ ...relay, code: z.literal('disabled') }),
    z.object({ ...relay, code: z.literal('suspended'), until: at }),
    z.object({ ...relay, code: z.literal('tried') }),
    z.object({ ...relay, code: z.literal('cap'), used: z.number(), limit: z.number() }),
    z.object({ ...relay, code: z.literal('paced'), until: at, perMinute: z.number() }),
    z.object({ ...relay, code: z.literal('slowed'), until: at, status: z.string().optional() }),
    z.object({ ...relay, code: z.literal('unreachable'), ...outcome }),
    z.object({ ...relay, code: z.literal('failed'), ...outcome }),
    z.object({ ...relay, code: z.literal('not_reached') }),
  ])
  .meta({ id: 'RelayReason' });

export const routeReasonsSchema = z
  .object({
    route: z.enum(routeDecisions).describe('relay, platform, wait (a paced relay) or retry'),
    because: z
      .enum(fallbackCauses)
      .optional()
      .describe('Why the platform or a retry: no relay for this mail, system mail, or none could take it'),
    relays: z.array(relayReasonSchema).describe('Every relay of the org, in the order routing saw them'),
  })
  .meta({ id: 'RouteReasons' });

export type NamedRelayReason = RelayReason & { name: string | null };
export type RouteReasonsView = Omit<RouteReasons, 'relays'> & { relays: NamedRelayReason[] };

// The compiler keeps the schema and the domain's value in step, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const routeReasonsInStep: Same<z.infer<typeof routeReasonsSchema>, RouteReasonsView> = true;

/** The stored reasons with each relay's name, as the API returns them. */
export function routeReasonsView(
  stored: string | null,
  names: ReadonlyMap<string, string>,
): RouteReasonsView | null {
  if (!stored) return null;
  const r = JSON.parse(stored) as RouteReasons;
  return { ...r, relays: r.relays.map((x) => ({ ...x, name: names.get(x.relay) ?? null })) };
}
