/**
 * What a disabled org's credentials get: API keys, sessions and sign-in are refused at once
 * (403, saying why), checked on every request against the org row, so no cache outlives `org disable`.
 */
import { AppError } from '../domain/errors.js';

export function orgDisabledError(orgName: string): AppError {
  return new AppError(
    'forbidden',
    `org "${orgName}" is disabled by the operator; its API keys and sessions are refused until it is enabled again`,
  );
}

/** Throws the 403 when the org is disabled. */
export function assertOrgEnabled(org: { name: string; disabled_at: number | null }): void {
  if (org.disabled_at !== null) throw orgDisabledError(org.name);
}
