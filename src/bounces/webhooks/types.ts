/**
 * Provider webhooks (SPEC R19): each provider module verifies a request (401 when it cannot) and
 * turns its payload into plain events, one per recipient. Which delivery an event concerns is read
 * from what the provider echoes of the sent message: its `X-Mailroute-Delivery` header or its
 * `Message-ID` `<dlv_…@from-domain>`. Delivery ids are unguessable and unique across orgs, so they
 * also name the org; keys are the operator's, in configuration.
 */
import type { AppContext } from '../../context.js';
import type { BounceReason } from '../../domain/bounce-reasons.js';
import type { BounceClass } from '../../domain/bounce-report.js';

export interface WebhookRequest {
  /** The body exactly as received (signatures cover the bytes). */
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface ProviderEvent {
  deliveryId: string | undefined;
  recipient: string;
  status: string;
  action: string;
  diagnosticCode: string;
  class: BounceClass;
  /** Why it bounced; left out, `recordBounce` finds it from the class and the rules. */
  reason?: BounceReason;
  feedbackType?: string;
}

export interface WebhookProvider {
  /** Whether its key is configured; an unconfigured provider refuses every request. */
  configured(ctx: AppContext): boolean;
  /** Verifies the request and returns its events; throws `unauthorized` when the signature is bad. */
  receive(ctx: AppContext, req: WebhookRequest): Promise<{ events: ProviderEvent[]; note?: string }>;
}

export const header = (req: WebhookRequest, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** An enhanced status code found in free text, e.g. `5.1.1` in "550 5.1.1 user unknown". */
export const statusIn = (text: string): string => /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1] ?? '';
