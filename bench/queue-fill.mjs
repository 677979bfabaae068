// `--queued N`: puts N deliveries in mailroute's queue before the timed run, straight into its
// database (one INSERT … SELECT over a generated series), copying the org, message and type of a
// delivery already sent. They wait as `deferred` (a backlog of retries, as after a relay outage)
// with due times spread over the next day, so the timed deliveries drain past them: what the run
// measures is whether claims, the next-due lookup and the writes stay as cheap with a deep queue.
import { join } from 'node:path';

const COLUMNS = `id, org_id, message_id, recipient, recipient_domain, type, priority, status, attempts,
  next_attempt_at, slowdowns, created_at, updated_at`;

function select(series, now) {
  return `select 'dlv_fill_' || ${series}, d.org_id, d.message_id, 'f' || ${series} || '@example.net',
    'example.net', d.type, d.priority, 'deferred', 1, ${now + 3_600_000} + (${series} % 86400000), 0,
    ${now}, ${now}
    from (select * from deliveries order by created_at limit 1) d`;
}

export async function fillQueue({ dataDir, schemaUrl, n }) {
  const now = Date.now();
  if (schemaUrl) {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: schemaUrl });
    await c.connect();
    await c.query(`insert into deliveries (${COLUMNS}) ${select('i', now)}, generate_series(1, ${n}) as i`);
    await c.end();
    return;
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dataDir, 'mailroute.db'));
  db.pragma('busy_timeout = 10000');
  db.exec(
    `with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n})
     insert into deliveries (${COLUMNS}) ${select('s.i', now)}, s`,
  );
  db.close();
}
