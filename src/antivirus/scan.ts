/**
 * Virus scanning at submission (SPEC R24): with `MAILROUTE_CLAMD` set, every attachment and the
 * text and HTML bodies are streamed to clamd before anything is queued. An infected part refuses
 * the submission with 422 naming the signature and the field (`attachments.N`, `text`, `html`); a
 * scanner that cannot be reached or does not answer in time refuses it with 503: mail is never
 * let through unscanned. Without the setting nothing is scanned.
 */
import type { AppContext } from '../context.js';
import { describeClamdAddress, parseClamdAddress } from '../domain/clamd-address.js';
import { AppError } from '../domain/errors.js';
import { ClamdUnavailable, scanBuffer } from './clamd.js';

export interface ScanPart {
  /** The request field, e.g. `attachments.0`. */
  field: string;
  /** What to call it in messages, e.g. the attachment's file name. */
  label: string;
  data: Buffer;
}

/** Parts scanned at once (clamd has a small thread pool of its own). */
const PARALLEL = 4;

/** The parts of a submission worth scanning: bodies as UTF-8, attachments decoded from base64. */
export function partsOf(m: {
  text?: string;
  html?: string;
  attachments?: { filename: string; content: string }[];
}): ScanPart[] {
  const parts: ScanPart[] = [];
  if (m.text) parts.push({ field: 'text', label: 'the text body', data: Buffer.from(m.text) });
  if (m.html) parts.push({ field: 'html', label: 'the HTML body', data: Buffer.from(m.html) });
  for (const [i, a] of (m.attachments ?? []).entries())
    parts.push({
      field: `attachments.${i}`,
      label: `attachment "${a.filename}"`,
      data: Buffer.from(a.content, 'base64'),
    });
  return parts;
}

async function scanAll(ctx: AppContext, parts: ScanPart[]) {
  const address = parseClamdAddress(ctx.config.clamd!);
  if (!address) throw new AppError('service_unavailable', 'the virus scanner address is not valid');
  const results: { part: ScanPart; signature?: string; tooLarge?: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < parts.length) {
      const part = parts[next++]!;
      const v = await scanBuffer(address, part.data, { timeoutMs: ctx.config.clamdTimeoutMs });
      if (v.infected) results.push({ part, signature: v.signature });
      else if ('tooLarge' in v) results.push({ part, tooLarge: v.reply });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL, parts.length) }, worker));
  } catch (err) {
    if (!(err instanceof ClamdUnavailable)) throw err;
    ctx.log.warn(
      { event: 'antivirus.unavailable', clamd: describeClamdAddress(address), reason: err.message },
      'virus scanner unavailable; submission refused',
    );
    throw new AppError(
      'service_unavailable',
      'the virus scanner is not available, so the message was not accepted; try again later',
    );
  }
  return results;
}

/** Scans the parts; throws 422 when one is infected, 413 when clamd refuses one as too large, 503 when clamd is unavailable. */
export async function scanSubmission(ctx: AppContext, parts: ScanPart[]): Promise<void> {
  if (!ctx.config.clamd || parts.length === 0) return;
  const results = await scanAll(ctx, parts);
  const infected = results.filter((r) => r.signature);
  if (infected.length > 0) {
    ctx.log.info(
      {
        event: 'antivirus.infected',
        found: infected.map((r) => ({ field: r.part.field, signature: r.signature })),
      },
      'infected submission refused',
    );
    const first = infected[0]!;
    throw new AppError(
      'unprocessable',
      `${first.part.label} (${first.part.field}) contains ${first.signature}; the message was not accepted`,
      Object.fromEntries(infected.map((r) => [r.part.field, `infected: ${r.signature}`])),
      { signatures: [...new Set(infected.map((r) => r.signature!))] },
    );
  }
  const tooLarge = results.filter((r) => r.tooLarge);
  if (tooLarge.length > 0)
    throw new AppError(
      'payload_too_large',
      `${tooLarge[0]!.part.label} is larger than the virus scanner accepts (its StreamMaxLength)`,
      Object.fromEntries(tooLarge.map((r) => [r.part.field, 'too large for the virus scanner'])),
    );
}
