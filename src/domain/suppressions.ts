/**
 * Suppression reasons and scopes (SPEC R20, issue 17). `all`: hard bounces, complaints, soft bounces
 * past the threshold and manual entries; no mail of the org goes to the address. `mass`:
 * unsubscribes; only the org's mass email skips the address, individual and workflow mail still
 * reach it. No imports: the console loads the lists too.
 */
export const suppressionReasons = [
  'hard-bounce',
  'complaint',
  'soft-bounces',
  'manual',
  'unsubscribe',
] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

export const suppressionScopes = ['all', 'mass'] as const;
export type SuppressionScope = (typeof suppressionScopes)[number];

/** The scope a reason gives when nobody chose one. */
export const scopeOf = (reason: SuppressionReason): SuppressionScope =>
  reason === 'unsubscribe' ? 'mass' : 'all';

/** The scopes that keep mail of a type from an address. */
export const scopesStopping = (type: string): readonly SuppressionScope[] =>
  type === 'mass' ? suppressionScopes : ['all'];

/** Whether a new entry replaces the one there: a wider scope does, nothing else. */
export const widens = (existing: SuppressionScope, added: SuppressionScope) =>
  existing === 'mass' && added === 'all';
