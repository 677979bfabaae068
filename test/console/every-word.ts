/**
 * Whether a string the console shows is in the user's language: a rendering of a catalogue entry
 * (its `{{placeholders}}` filled with strings that pass the same check), the org's data, a
 * data-shaped token (address, id, IP, URL, time, number), or an allowed technical token. Pure, so
 * the every-word walk can be extended with pages and the rules tested apart.
 */

type Catalogue = { [key: string]: string | Catalogue };

export interface Matcher {
  accepts(s: string): boolean;
}

const letter = /\p{L}/u;
/**
 * What is left must hold no Latin word. Japanese the server words itself (a probe step's
 * explanation, an authentication finding, a relay warning: `{ ja, en }` pairs built with their
 * data) cannot be matched against the console's catalogue; English is what this check hunts.
 */
const latin = /[A-Za-z]/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Shapes of data the server or the test made: each is replaced before the letters are counted. */
const dataShapes = [
  /[^\s<>()"'（）「」、]+@[^\s<>()"'（）「」、]+/g,
  /https?:\/\/[^\s]+/g,
  // DNS record values and names: SPF, DMARC and DKIM records, `_dmarc.` and `._domainkey.` names.
  /v=(spf1|DMARC1|DKIM1)[^"]*/g,
  /\b[\w-]+\._domainkey\.[\w.-]+/g,
  /\b_dmarc\.[\w.-]+/g,
  // Host and domain names under the test's top-level domains (never an `audit.action` word).
  /\b([a-z0-9-]+\.)+(com|net|org|test|localhost|example|invalid)\b/gi,
  // IANA time zone names, as the settings page lists them.
  /\b(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_+\-/0-9]+/g,
  /\bUTC\b/g,
  // Offsets from GMT, as Intl writes them beside a zone's name (`GMT+9`, `GMT-3:30`, `GMT`).
  /\bGMT([+\-\u2212]\d{1,2}(:\d{2})?)?(?![A-Za-z])/g,
  /\brua=mailto:\S*/g,
  /\b(rsa|ed25519)-\d+\b/gi,
  /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z\b/g,
  /\b[a-z]{2,6}_[A-Za-z0-9_-]{6,}\b/g,
  /\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g,
];

function strings(c: Catalogue, into: string[] = []): string[] {
  for (const v of Object.values(c)) {
    if (typeof v === 'string') into.push(v);
    else strings(v, into);
  }
  return into;
}

export function catalogueMatcher(catalogue: object, data: Iterable<string>, allowed: string[]): Matcher {
  const entries = strings(catalogue as Catalogue).flatMap((s) => s.split('\n'));
  const literals = new Set<string>();
  const templates: RegExp[] = [];
  for (const e of entries) {
    const s = e.trim();
    if (!s) continue;
    if (s.includes('{{')) {
      const parts = s.split(/\{\{[^}]+\}\}/);
      templates.push(new RegExp(`^${parts.map(escapeRegExp).join('(.*?)')}$`, 's'));
      for (const p of parts) if (letter.test(p) && p.trim().length > 1) literals.add(p.trim());
    } else literals.add(s);
  }
  const exact = new Set<string>([...literals, ...data, ...allowed].map((s) => s.trim()));
  // Longest first, so that a long entry is removed before a short one inside it.
  const removable = [...literals, ...data]
    .map((s) => s.trim())
    .filter((s) => s.length > 1)
    .sort((a, b) => b.length - a.length);
  const tokens = new RegExp(`(?<![A-Za-z])(${allowed.map(escapeRegExp).join('|')})(?![A-Za-z])`, 'g');

  function residue(s: string): string {
    let r = s;
    for (const shape of dataShapes) r = r.replace(shape, ' ');
    for (const x of removable) if (r.includes(x)) r = r.split(x).join(' ');
    return r.replace(tokens, ' ');
  }

  function accepts(raw: string, depth = 0): boolean {
    const s = raw.trim();
    if (!letter.test(s) || exact.has(s)) return true;
    if (depth < 3)
      for (const t of templates) {
        const m = t.exec(s);
        if (m?.slice(1).every((g) => accepts(g, depth + 1))) return true;
      }
    return !latin.test(residue(s));
  }
  return { accepts: (s) => accepts(s) };
}

/** The strings of `texts` the matcher does not accept, each once. */
export function foreignStrings(texts: string[], matcher: Matcher): string[] {
  return [...new Set(texts.filter((t) => !matcher.accepts(t)))];
}
