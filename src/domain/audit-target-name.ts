/**
 * The name a person knows an audit entry's target by, from the entry's own before and after
 * snapshots (so a deleted thing keeps its name): its name, else its address, email, URL, label or
 * key prefix. Pure.
 */
const nameFields = ['name', 'address', 'email', 'url', 'label', 'prefix'] as const;

function nameIn(snapshot: unknown): string | null {
  if (!snapshot || typeof snapshot !== 'object') return null;
  const s = snapshot as Record<string, unknown>;
  for (const f of nameFields) {
    const v = s[f];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return null;
}

export function auditTargetName(before: unknown, after: unknown): string | null {
  return nameIn(after) ?? nameIn(before);
}
