/**
 * Kysely table types: the database as the code sees it, identical on SQLite and PostgreSQL.
 * Times are epoch milliseconds (bigint columns, read back as numbers on both dialects);
 * JSON is stored as text; booleans as 0/1 integers.
 */
export interface OrgsTable {
  id: string;
  name: string;
  plan: string;
  datacenter: string;
  created_at: number;
}

export interface PlansTable {
  name: string;
  daily_limit: number;
  max_domains: number;
  max_relays_per_domain: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  name: string;
  role: 'admin' | 'send';
  prefix: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SettingsTable {
  org_id: string;
  key: string;
  value: string;
  updated_at: number;
}

export interface AuditLogTable {
  id: string;
  org_id: string;
  at: number;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before: string | null;
  after: string | null;
}

export interface Database {
  orgs: OrgsTable;
  plans: PlansTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
}
