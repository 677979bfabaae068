/**
 * A webhook endpoint's health from its most recent tried deliveries: all of them failing (given up
 * or waiting to retry after a failed attempt) is "failing", some is "degraded", none is "ok"; with
 * nothing tried yet it is "ok" too. The console shows "ok" as the endpoint's enabled state.
 */
export const WEBHOOK_HEALTH_WINDOW = 10;

export type WebhookHealth = 'ok' | 'degraded' | 'failing';

export interface TriedDelivery {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
}

/** A tried delivery failed unless it was delivered (a pending one with attempts is retrying). */
export const deliveryFailed = (d: TriedDelivery): boolean => d.attempts > 0 && d.status !== 'delivered';

export function webhookHealth(recent: readonly TriedDelivery[]): {
  health: WebhookHealth;
  recentDeliveries: number;
  recentFailures: number;
} {
  const tried = recent.filter((d) => d.attempts > 0);
  const failures = tried.filter(deliveryFailed).length;
  const health: WebhookHealth =
    tried.length > 0 && failures === tried.length ? 'failing' : failures > 0 ? 'degraded' : 'ok';
  return { health, recentDeliveries: tried.length, recentFailures: failures };
}
