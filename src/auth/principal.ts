/**
 * Who is asking: a console user (admin or member) or an API key (admin or send), always within one
 * org. Access rules (SPEC R1): admins change; members read; `send` keys submit mail and read its log.
 */
export type Role = 'admin' | 'member' | 'send';

export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  orgId: string;
  role: Role;
  /** For the audit log: the user's email or the key's name and prefix. */
  label: string;
}

export type Access = 'admin' | 'read' | 'send' | 'any';

const allowed: Record<Access, readonly Role[]> = {
  admin: ['admin'],
  read: ['admin', 'member'],
  send: ['admin', 'send'],
  any: ['admin', 'member', 'send'],
};

export function mayAccess(role: Role, access: Access): boolean {
  return allowed[access].includes(role);
}
