/**
 * What routing needs to know about an org that changes rarely, read at most once a second per
 * process: its settings (time zone, fallback policy), data center and domains. Its relays are not
 * here: whether a relay is enabled or suspended is read from the database for every batch
 * (`relay-states.ts`), and caps are claimed atomically when a relay is actually used.
 */
import type { AppContext } from '../context.js';
import type { DataCenter } from '../domain/datacenters.js';
import type { Settings } from '../schemas/settings.js';
import { orgSettings } from '../store/repos/settings.js';

export interface OrgState {
  orgId: string;
  settings: Settings;
  dataCenter: DataCenter;
  domains: Map<string, string>;
  /** The complaint-rate guard paused the org's mass email (issue 17): it waits until resumed. */
  massPaused: boolean;
  loadedAt: number;
}

const TTL_MS = 1000;

export class OrgStates {
  private cache = new Map<string, Promise<OrgState>>();
  private loaded = new Map<string, number>();

  constructor(private ctx: AppContext) {
    ctx.events.onOrgChanged((orgId) => this.forget(orgId));
  }

  get(orgId: string): Promise<OrgState> {
    const at = this.loaded.get(orgId) ?? 0;
    const hit = this.cache.get(orgId);
    if (hit && Date.now() - at < TTL_MS) return hit;
    const p = this.load(orgId);
    this.cache.set(orgId, p);
    this.loaded.set(orgId, Date.now());
    p.catch(() => this.cache.delete(orgId));
    return p;
  }

  /** Drops an org's cached state, e.g. after an admin changed its settings. */
  forget(orgId: string): void {
    this.cache.delete(orgId);
  }

  private async load(orgId: string): Promise<OrgState> {
    const { db } = this.ctx.store;
    const [settings, org, domains, pause] = await Promise.all([
      orgSettings(this.ctx.store.db, this.ctx.config.timeZone, orgId),
      db.selectFrom('orgs').select('datacenter').where('id', '=', orgId).executeTakeFirstOrThrow(),
      db.selectFrom('domains').select(['id', 'name']).where('org_id', '=', orgId).execute(),
      db.selectFrom('mass_pauses').select('org_id').where('org_id', '=', orgId).executeTakeFirst(),
    ]);
    const dataCenter =
      this.ctx.config.dataCenters.find((d) => d.id === org.datacenter) ?? this.ctx.config.dataCenters[0]!;
    return {
      orgId,
      settings,
      dataCenter,
      domains: new Map(domains.map((d) => [d.name, d.id])),
      massPaused: pause !== undefined,
      loadedAt: Date.now(),
    };
  }
}
