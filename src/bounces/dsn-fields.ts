/**
 * RFC 3464 delivery-status fields: unfold continuation lines, split the per-message group from the
 * per-recipient groups on blank lines, read `Name: value` fields and strip the type prefixes
 * (`rfc822;`, `smtp;`, `dns;`).
 */

import type { FoundRecipient } from '../domain/bounce-report.js';
import { parseFields, unfoldLines } from './headers.js';

export interface DsnFields {
  message: Record<string, string>;
  recipients: Record<string, string>[];
}

/** Splits a delivery-status body into its field groups. */
export function parseDsnFields(text: string): DsnFields {
  const groups: string[][] = [[]];
  for (const line of unfoldLines(text)) {
    if (line.trim() === '') {
      if (groups[groups.length - 1]!.length > 0) groups.push([]);
    } else {
      groups[groups.length - 1]!.push(line);
    }
  }
  const parsed = groups.filter((g) => g.length > 0).map(parseFields);
  const isRecipient = (g: Record<string, string>) => 'final-recipient' in g || 'original-recipient' in g;
  const message = parsed.find((g) => !isRecipient(g)) ?? {};
  return { message, recipients: parsed.filter(isRecipient) };
}

/** The value after a `type;` prefix, e.g. `rfc822; a@b` → `a@b`. */
export function stripType(value: string | undefined): string {
  if (!value) return '';
  const m = /^\s*[A-Za-z0-9-]+\s*;\s*(.*)$/.exec(value);
  return (m ? m[1]! : value).trim();
}

/** A per-recipient group as a found recipient. */
export function dsnRecipient(group: Record<string, string>): FoundRecipient {
  const bare = (v: string | undefined) => stripType(v).replace(/^<|>$/g, '').trim();
  const address = bare(group['final-recipient'] || group['original-recipient']);
  const original = bare(group['original-recipient']);
  return {
    address,
    status: (group.status ?? '').trim().split(/\s/)[0] ?? '',
    action: (group.action ?? '').trim().toLowerCase().split(/\s/)[0] ?? '',
    diagnosticCode: stripType(group['diagnostic-code']),
    ...(original && original.toLowerCase() !== address.toLowerCase() ? { originalRecipient: original } : {}),
  };
}
