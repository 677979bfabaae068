/**
 * `mailroute org …`: the operator's commands for tenants. `create` (optionally with the first admin
 * user and an admin API key, their secrets printed once), `list`, `plan`, `disable`, `enable`.
 * Each opens the server's existing database and never creates one.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { AppContext } from '../../context.js';
import type { OrgSummary } from '../../services/operator-orgs.js';

interface CreateOptions {
  plan?: string;
  datacenter?: string;
  timezone?: string;
  adminEmail?: string;
  apiKey?: boolean;
}

/** Runs `run` on the server's existing database (the database libraries are loaded only now). */
export async function withDatabase<T>(run: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { openContext } = await import('../../open-context.js');
  const ctx = await openContext(config, { existing: true });
  try {
    return await run(ctx);
  } finally {
    await ctx.store.close();
  }
}

async function create(ctx: AppContext, name: string, opts: CreateOptions) {
  const { adminEmail, createFirstAdmin } = await import('../../services/org-handover.js');
  const { createOrg } = await import('../../services/orgs.js');
  const { insertApiKey } = await import('../../services/api-keys.js');
  const email = opts.adminEmail === undefined ? undefined : adminEmail(opts.adminEmail);
  const org = await createOrg(ctx, {
    name,
    plan: opts.plan,
    datacenter: opts.datacenter,
    timeZone: opts.timezone,
  });
  const admin = email ? await createFirstAdmin(ctx, org.id, email) : undefined;
  const key = opts.apiKey
    ? await insertApiKey(ctx, org.id, 'system', { name: 'handover', role: 'admin' })
    : undefined;
  return {
    id: org.id,
    name: org.name,
    plan: org.plan,
    datacenter: org.datacenter,
    ...(admin ? { admin } : {}),
    ...(key ? { apiKey: { id: key.id, prefix: key.prefix, key: key.key } } : {}),
  };
}

const columns: [string, (o: OrgSummary) => string][] = [
  ['ID', (o) => o.id],
  ['NAME', (o) => o.name],
  ['PLAN', (o) => o.plan],
  ['DISABLED', (o) => (o.disabled ? 'yes' : 'no')],
  ['USERS', (o) => String(o.users)],
  ['KEYS', (o) => String(o.apiKeys)],
  ['DOMAINS', (o) => String(o.domains)],
  ['RELAYS', (o) => String(o.relays)],
  ['QUEUED', (o) => String(o.queued)],
];

function table(orgs: OrgSummary[]): string {
  const rows = [columns.map(([h]) => h), ...orgs.map((o) => columns.map(([, f]) => f(o)))];
  const widths = columns.map((_c, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function registerOrgCommand(program: Command): void {
  const org = program.command('org').description('manage orgs (tenants)');
  org
    .command('create <name>')
    .description('create an org; secrets asked for are printed once')
    .option('--plan <plan>', 'plan name (default: MAILROUTE_DEFAULT_PLAN)')
    .option('--datacenter <id>', 'data center id (default: the first configured)')
    .option('--timezone <zone>', 'IANA time zone (default: MAILROUTE_TIMEZONE)')
    .option('--admin-email <email>', 'create the first admin user; prints a generated password once')
    .option('--api-key', 'create an admin API key; prints it once')
    .action(async (name: string, opts: CreateOptions) => {
      const created = await withDatabase((ctx) => create(ctx, name, opts));
      console.log(JSON.stringify(created));
      if (created.admin || created.apiKey)
        console.error('mailroute: the password and key above are shown only now; hand them over safely');
    });
  org
    .command('list')
    .description('list orgs: plan, disabled, and counts of users, keys, domains, relays, queued mail')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listOrgs } = await import('../../services/operator-orgs.js');
      const orgs = await withDatabase(listOrgs);
      console.log(opts.json ? JSON.stringify(orgs) : table(orgs));
    });
  org
    .command('plan <org> <plan>')
    .description('move an org (id or name) to another configured plan')
    .action(async (ref: string, plan: string) => {
      const { changePlan } = await import('../../services/operator-orgs.js');
      const o = await withDatabase((ctx) => changePlan(ctx, ref, plan));
      console.log(JSON.stringify({ id: o.id, name: o.name, plan: o.plan }));
    });
  for (const [command, disabled, what] of [
    ['disable', true, 'refuse its keys and sessions and hold its queued mail'],
    ['enable', false, 'accept its keys and sessions again and send its held mail'],
  ] as const) {
    org
      .command(`${command} <org>`)
      .description(`${command} an org (id or name): ${what}`)
      .action(async (ref: string) => {
        const { setOrgDisabled } = await import('../../services/operator-orgs.js');
        const o = await withDatabase((ctx) => setOrgDisabled(ctx, ref, disabled));
        console.log(JSON.stringify({ id: o.id, name: o.name, disabled: o.disabled_at !== null }));
      });
  }
}
