/**
 * Which key signs a delivery (SPEC R15): the From domain's active DKIM key where it has one, else
 * (platform delivery only) the platform's key for the data center's bounce domain, created once
 * and shared by every node (platform-key.ts; services/platform-keys.ts shows its record). Private keys are decrypted when used and cached for a minute, so a
 * rotation takes effect quickly.
 */
import type { AppContext } from '../context.js';
import type { SigningKey } from '../dkim/sign.js';
import { ensurePlatformKey } from './platform-key.js';

const TTL_MS = 60_000;

export class SigningKeys {
  /**
   * Keys by org and domain, or by bounce domain, as promises: the deliveries in flight that find
   * the entry missing or stale share one read and one decryption of the key, instead of
   * each making their own (a worker has up to 64 at once, every minute).
   */
  private cache = new Map<string, { key: Promise<SigningKey | undefined>; until: number }>();

  constructor(private ctx: AppContext) {}

  private cached(id: string, load: () => Promise<SigningKey | undefined>): Promise<SigningKey | undefined> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.key;
    const key = load();
    const entry = { key, until: now + TTL_MS };
    this.cache.set(id, entry);
    key.catch(() => {
      if (this.cache.get(id) === entry) this.cache.delete(id);
    });
    return key;
  }

  /** The org's active key for `domain`, if the org has that domain and a key for it. */
  domainKey(orgId: string, domain: string): Promise<SigningKey | undefined> {
    return this.cached(`org:${orgId}:${domain}`, async () => {
      const row = await this.ctx.store.db
        .selectFrom('dkim_keys')
        .innerJoin('domains', 'domains.id', 'dkim_keys.domain_id')
        .select(['dkim_keys.id', 'dkim_keys.selector', 'dkim_keys.algorithm', 'dkim_keys.private_key_enc'])
        .where('domains.org_id', '=', orgId)
        .where('domains.name', '=', domain)
        .where('dkim_keys.status', '=', 'active')
        .executeTakeFirst();
      if (!row) return undefined;
      const privateKeyPem = this.ctx.secrets.decrypt(row.private_key_enc, `dkim:${row.id}:private_key`);
      return { domain, selector: row.selector, algorithm: row.algorithm, privateKeyPem };
    });
  }

  /** The platform's key for a data center's bounce domain. */
  async platformKey(bounceDomain: string): Promise<SigningKey> {
    const key = await this.cached(`platform:${bounceDomain}`, async () => {
      const row = await ensurePlatformKey(this.ctx, bounceDomain);
      const privateKeyPem = this.ctx.secrets.decrypt(row.private_key_enc, `platform-dkim:${bounceDomain}`);
      return { domain: bounceDomain, selector: row.selector, algorithm: row.algorithm, privateKeyPem };
    });
    return key!;
  }
}
