/**
 * MTA-STS (RFC 8461) as pure rules: the `_mta-sts` TXT record, the policy file, which MX hosts a
 * policy names (a wildcard stands for exactly one leftmost label), and what a policy makes of a
 * domain's MX hosts. The lookups and the HTTPS fetch are elsewhere (`transports/mta-sts.ts`).
 */

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsPolicy {
  /** The `id` of the TXT record the policy was fetched under. */
  id: string;
  mode: MtaStsMode;
  /** MX patterns: `mx.example.com` or `*.example.com`, lower case, without a trailing dot. */
  mx: string[];
  /** Seconds the policy may be cached (at most a year, RFC 8461 §3.2). */
  maxAge: number;
}

/** The longest `max_age` a policy may set: 31557600 seconds (about a year). */
export const MAX_AGE_LIMIT = 31_557_600;
/** The largest policy file accepted, in bytes (RFC 8461 §3.3: 64 KB). */
export const POLICY_MAX_BYTES = 64 * 1024;

/**
 * The policy id of a domain's `_mta-sts` TXT records, or undefined when there is no valid one. RFC
 * 8461 §3.1: exactly one record starting `v=STSv1`; `id` is 1–32 letters and digits.
 */
export function parseMtaStsRecord(records: readonly string[]): string | undefined {
  const sts = records.filter((r) => /^v=STSv1\s*(;|$)/.test(r.trim()));
  if (sts.length !== 1) return undefined;
  for (const field of sts[0]!.split(';')) {
    const m = /^\s*id=([A-Za-z0-9]{1,32})\s*$/.exec(field);
    if (m) return m[1];
  }
  return undefined;
}

/** A policy file parsed (RFC 8461 §3.2), or the reason it is invalid. */
export function parseMtaStsPolicy(text: string, id: string): MtaStsPolicy | { error: string } {
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const m = /^([A-Za-z0-9_]+):\s*(.*?)\s*$/.exec(line);
    if (!m) return { error: `malformed line: ${line.slice(0, 80)}` };
    const key = m[1]!.toLowerCase();
    fields.set(key, [...(fields.get(key) ?? []), m[2]!]);
  }
  if (fields.get('version')?.[0] !== 'STSv1') return { error: 'version is not STSv1' };
  const mode = fields.get('mode')?.[0];
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') return { error: `invalid mode: ${mode}` };
  const maxAgeText = fields.get('max_age')?.[0] ?? '';
  if (!/^\d{1,10}$/.test(maxAgeText)) return { error: 'max_age is missing or not a number' };
  const maxAge = Math.min(Number(maxAgeText), MAX_AGE_LIMIT);
  const mx = (fields.get('mx') ?? []).map((p) => p.toLowerCase().replace(/\.$/, ''));
  if (mx.some((p) => !/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(p))) return { error: 'invalid mx pattern' };
  if (mode !== 'none' && mx.length === 0) return { error: 'no mx pattern' };
  return { id, mode, mx, maxAge };
}

/** Whether an MX host matches one of the policy's patterns (RFC 8461 §4.1). */
export function mxMatches(patterns: readonly string[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => {
    if (!p.startsWith('*.')) return p === h;
    const dot = h.indexOf('.');
    return dot > 0 && h.slice(dot + 1) === p.slice(2);
  });
}

/**
 * What the policy makes of a domain's MX hosts: those to deliver to, those it refuses, and whether
 * the delivery must use TLS with a verified certificate. `enforce` keeps the named hosts only and
 * requires verified TLS; `testing` keeps every host, with opportunistic TLS, and reports what
 * enforce would have refused; `none` or no policy: opportunistic STARTTLS to every host.
 */
export function applyMtaSts(
  policy: MtaStsPolicy | undefined,
  hosts: readonly string[],
): { allowed: string[]; refused: string[]; requireVerifiedTls: boolean } {
  if (!policy || policy.mode === 'none')
    return { allowed: [...hosts], refused: [], requireVerifiedTls: false };
  const refused = hosts.filter((h) => !mxMatches(policy.mx, h));
  if (policy.mode === 'testing') return { allowed: [...hosts], refused, requireVerifiedTls: false };
  return { allowed: hosts.filter((h) => mxMatches(policy.mx, h)), refused, requireVerifiedTls: true };
}
