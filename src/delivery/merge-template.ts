/**
 * Personalized mass mail composed once per message: the message is built by MailComposer with a
 * mark where each merge value goes (one mark per field and place: subject, text part, HTML part),
 * and each delivery only puts its own values in place of the marks. The marks are plain ASCII, so
 * they pass through the 7bit and quoted-printable encodings unchanged; a template is used only
 * when every mark came out whole (not base64, not split by a soft line break, not inside an
 * encoded word), and a delivery only when its values are what those encodings would have left as
 * they are: printable ASCII without `=`, no trailing whitespace, lines within the limits (76 for
 * quoted-printable, 998 otherwise). Anything else is composed in full, as before.
 */
import { randomBytes } from 'node:crypto';
import { fieldText, TAG } from '../domain/merge-fields.js';
import type { AppliedRule } from '../schemas/content-rules.js';
import type { MessageContent } from '../schemas/messages.js';
import { escapeHtml, type MergeFields } from './merge.js';

/** Where a value goes: the subject, the text part, the HTML part (escaped). */
type Place = 's' | 't' | 'h';

interface Ref {
  place: Place;
  field: number;
  line: number;
  /** The mark ends its line and follows whitespace: an empty value would leave trailing space. */
  trailing: boolean;
}

type Piece = string | Ref;

interface Part {
  pieces: Piece[];
  /** Per line holding marks: its length without them, and the limit. */
  lines: { fixed: number; limit: number }[];
}

export interface MergeTemplate {
  names: string[];
  head: Part;
  body: Part;
}

/** The field names a message's content merges, in the subject, the bodies and its rules. */
export function fieldNames(c: MessageContent, rules: AppliedRule[]): string[] {
  const names = new Set<string>();
  const texts = [c.subject, c.text, c.html, ...rules.flatMap((r) => [r.text, r.html])];
  for (const t of texts) if (t) for (const m of t.matchAll(TAG)) names.add(m[1]!);
  return [...names];
}

export interface Marks {
  prefix: string;
  subject: MergeFields;
  text: MergeFields;
  html: MergeFields;
}

/** The marks of each place, under a random prefix no content holds by chance. */
export function marksFor(names: string[]): Marks {
  const prefix = `Mrg${randomBytes(6).toString('hex')}`;
  const of = (place: Place) => Object.fromEntries(names.map((n, i) => [n, `${prefix}${place}${i}x`]));
  return { prefix, subject: of('s'), text: of('t'), html: of('h') };
}

const count = (s: string | undefined, mark: RegExp) => (s === undefined ? 0 : (s.match(mark) ?? []).length);

/**
 * The template of a message composed with marks (`head` and `body` as composed, latin1), or
 * undefined when a mark did not come out whole, or as often as it went in.
 */
export function mergeTemplate(
  names: string[],
  marks: Marks,
  rendered: { subject: string; text?: string; html?: string },
  head: string,
  body: string,
): MergeTemplate | undefined {
  const any = new RegExp(`${marks.prefix}[sth]\\d+x`, 'g');
  const expected = count(rendered.subject, any) + count(rendered.text, any) + count(rendered.html, any);
  if (count(head, any) + count(body, any) !== expected) return undefined;
  if (count(head, new RegExp(`${marks.prefix}[th]`, 'g')) > 0) return undefined;
  if (count(body, new RegExp(`${marks.prefix}s`, 'g')) > 0) return undefined;
  const qp = /quoted-printable/i.test(head) || /^Content-Transfer-Encoding: quoted-printable\r$/im.test(body);
  const h = split(head, marks.prefix, 998);
  const b = split(body, marks.prefix, qp ? 76 : 998);
  if (!h || !b) return undefined;
  return { names, head: h, body: b };
}

function split(s: string, prefix: string, limit: number): Part | undefined {
  const mark = new RegExp(`${prefix}([sth])(\\d+)x`, 'g');
  const pieces: Piece[] = [];
  const lines: Part['lines'] = [];
  const lineOf = new Map<number, number>();
  let last = 0;
  for (const m of s.matchAll(mark)) {
    const at = m.index!;
    const crlfBefore = s.lastIndexOf('\r\n', at);
    const start = crlfBefore < 0 ? 0 : crlfBefore + 2;
    const endAt = s.indexOf('\r\n', at);
    const end = endAt < 0 ? s.length : endAt;
    const lineText = s.slice(start, end);
    // An encoded word would need the value encoded too.
    if (lineText.includes('=?')) return undefined;
    let line = lineOf.get(start);
    if (line === undefined) {
      line = lines.length;
      lineOf.set(start, line);
      lines.push({ fixed: lineText.replace(mark, '').length, limit });
    }
    const before = at > 0 ? s[at - 1]! : '';
    const after = at + m[0].length;
    const trailing =
      (after === s.length || s.startsWith('\r\n', after)) && (/[ \t]/.test(before) || before === 'x');
    if (at > last) pieces.push(s.slice(last, at));
    pieces.push({ place: m[1] as Place, field: Number(m[2]), line, trailing });
    last = after;
  }
  if (last < s.length) pieces.push(s.slice(last));
  return { pieces, lines };
}

/** What the quoted-printable and 7bit parts and the header lines take as they are. */
const SAFE = /^[\x20-\x3c\x3e-\x7e]*$/;

/**
 * The delivery's header block and body from the template and its merge fields (`fieldText` throws
 * `MergeError` for a value that is not text or a number); undefined when a value needs encoding.
 */
export function stamp(
  t: MergeTemplate,
  fields: MergeFields | undefined,
): { head: string; body: string } | undefined {
  const raw = t.names.map((n) => fieldText(fields, n));
  for (const v of raw) if (!SAFE.test(v) || v.endsWith(' ')) return undefined;
  const html = raw.map((v) => (/[&<>"']/.test(v) ? escapeHtml(v) : v));
  const value = (r: Ref) => (r.place === 'h' ? html[r.field]! : raw[r.field]!);
  const head = fill(t.head, value);
  const body = head === undefined ? undefined : fill(t.body, value);
  return head === undefined || body === undefined ? undefined : { head, body };
}

function fill(p: Part, value: (r: Ref) => string): string | undefined {
  const lengths = p.lines.map((l) => l.fixed);
  let out = '';
  for (const piece of p.pieces) {
    if (typeof piece === 'string') out += piece;
    else {
      const v = value(piece);
      if (v === '' && piece.trailing) return undefined;
      lengths[piece.line]! += v.length;
      out += v;
    }
  }
  for (let i = 0; i < lengths.length; i++) if (lengths[i]! > p.lines[i]!.limit) return undefined;
  return out;
}
