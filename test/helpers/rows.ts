/**
 * Rows that store tests write straight into the database, below the services: an org, and a mass
 * email whose deliveries the test then fills in bulk with SQL of its own.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

export async function insertOrg(db: Kysely<Database>, id: string, name = id): Promise<void> {
  await db
    .insertInto('orgs')
    .values({ id, name, plan: 'standard', datacenter: 'jp', created_at: 0 })
    .execute();
}

export async function insertMassMessage(
  db: Kysely<Database>,
  m: { id: string; orgId: string; recipientCount: number },
): Promise<void> {
  await db
    .insertInto('messages')
    .values({
      id: m.id,
      org_id: m.orgId,
      type: 'mass',
      from_address: 'news@sakura.com',
      from_domain: 'sakura.com',
      subject: 'Bulk',
      content: '{}',
      metadata: null,
      size: 10,
      recipient_count: m.recipientCount,
      submitted_by: 'test',
      created_at: 0,
    })
    .execute();
}
