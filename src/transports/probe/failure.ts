/**
 * A probe step's failure as a value: the issue (a key of the explanation table), the server's reply
 * when there was one, and a detail for the administrator. Steps throw it; the step runner records it.
 */
import type { ProbeIssue } from './explanations.js';
import type { CertificateReport } from './types.js';

export interface ProbeFailureInfo {
  reply?: string;
  detail?: string;
  certificate?: CertificateReport;
}

export class ProbeFailure extends Error {
  override name = 'ProbeFailure';
  constructor(
    readonly issue: ProbeIssue,
    readonly info: ProbeFailureInfo = {},
  ) {
    super(info.detail ?? issue);
  }
}

/** The network error code of an error (`ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`…), if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
