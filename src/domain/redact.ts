/**
 * Redaction of secrets for logs and the audit log (SPEC R7): any member whose name says it holds a
 * secret is replaced by "[redacted]", at any depth.
 */
const secretName =
  /pass(word)?|secret|token|private_?key|privatekey|api_?key$|^key$|authorization|cookie|hash$/i;

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return secretName.test(name);
}

export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redact(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        isSecretName(k) && v !== null && v !== undefined && typeof v !== 'boolean' ? REDACTED : redact(v);
    }
    return out as T;
  }
  return value;
}

/** Paths for pino's `redact` option: the same names, at the depths logs use. */
export const logRedactPaths = [
  'password',
  '*.password',
  '*.*.password',
  'pass',
  '*.pass',
  '*.*.pass',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'privateKey',
  '*.privateKey',
  'apiKey',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];
