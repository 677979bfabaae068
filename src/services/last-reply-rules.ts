/**
 * Which rule of the one reply classifier explained each delivery's last reply, for the log and the
 * campaign's recipient list: read from the delivery's latest attempt, whose classification was kept
 * when it was made. Only when that attempt's reply is the delivery's last reply; a reply given
 * without an attempt (a deferral decided before connecting) stays unexplained rather than borrowing
 * an older attempt's rule.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export async function lastReplyRules(
  db: Kysely<Database>,
  deliveries: { id: string; last_reply: string | null }[],
): Promise<Map<string, string>> {
  const replied = deliveries.filter((d) => d.last_reply !== null);
  const rules = new Map<string, string>();
  if (replied.length === 0) return rules;
  const attempts = await db
    .selectFrom('attempts')
    .select(['delivery_id', 'reply', 'rule_id'])
    .where(
      'delivery_id',
      'in',
      replied.map((d) => d.id),
    )
    .orderBy('delivery_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
  const latest = new Map<string, { reply: string | null; rule_id: string | null }>();
  for (const a of attempts) latest.set(a.delivery_id, a);
  for (const d of replied) {
    const a = latest.get(d.id);
    if (a?.rule_id && a.reply === d.last_reply) rules.set(d.id, a.rule_id);
  }
  return rules;
}
