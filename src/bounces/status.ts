/**
 * Delivery status codes (RFC 3463) and SMTP reply codes found in free text. Pure string rules:
 * which code a diagnostic names, whether a code is specific, and the class digit to fall back on.
 */

const enhanced = /(?<![\w.-])([245])\.(\d{1,3})\.(\d{1,3})(?![\w-]|\.\d)/g;
const reply = /(?<![\w.#-])([245][0-9][0-9])(?=[ -]|$)(?![- ]?\d{3,})/gm;

/** The enhanced status codes a text names, in order (e.g. `5.1.1`). */
export function findStatuses(text: string): string[] {
  return [...text.matchAll(enhanced)].map((m) => `${m[1]}.${Number(m[2])}.${Number(m[3])}`);
}

/** The SMTP reply codes a text names, in order (e.g. `550`). */
export function findReplyCodes(text: string): string[] {
  return [...text.matchAll(reply)].map((m) => m[1]!);
}

/**
 * The most telling status in a text: the last specific one (not X.0.0), as relaying MTAs quote the
 * remote server's reply after their own words; else the first one. Codes of success are ignored
 * when a failure code is present.
 */
export function bestStatus(text: string): string {
  const all = findStatuses(text);
  const failures = all.filter((s) => !s.startsWith('2.'));
  const pool = failures.length > 0 ? failures : all;
  return pool.filter((s) => !isGeneric(s)).pop() ?? pool[0] ?? '';
}

/** True for `X.0.0`, which says only "failed" or "delayed". */
export function isGeneric(status: string): boolean {
  return /^\d\.0\.0$/.test(status);
}

/** Normalises a status value: `5.01.01` → `5.1.1`; anything else → ''. */
export function normalizeStatus(value: string): string {
  const m = /^\s*([245])\.(\d{1,3})\.(\d{1,3})/.exec(value);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : '';
}
