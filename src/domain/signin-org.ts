/**
 * Which org a sign-in enters, when one email may be a user of several orgs (pure). Only the orgs
 * where the password matched count; the others are never named. With `orgId` the user chose one
 * of them; without it, one match enters that org and several ask which (409 listing them).
 */
export type OrgChoice<T> = { kind: 'none' } | { kind: 'one'; user: T } | { kind: 'choose'; users: T[] };

export function chooseOrg<T extends { org_id: string }>(
  matched: T[],
  orgId: string | undefined,
): OrgChoice<T> {
  const candidates = orgId === undefined ? matched : matched.filter((u) => u.org_id === orgId);
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1) return { kind: 'one', user: candidates[0]! };
  return { kind: 'choose', users: candidates };
}
