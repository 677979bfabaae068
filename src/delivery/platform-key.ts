/**
 * The platform's DKIM key of each data center (SPEC R15): platform delivery signs with it the mail
 * of From domains without a key of their own, as `d=<bounce domain>`. One key per bounce domain,
 * made the first time anyone needs it (the signer or someone reading its record) and shared by
 * every node: the row's primary key settles a race, and every caller reads the row that won, so
 * the record shown is always the key that signs.
 */
import type { AppContext } from '../context.js';
import { generateDkimKeyAsync, newSelector } from '../dkim/keys.js';
import type { PlatformKeysTable } from '../store/schema.js';

async function findPlatformKey(
  ctx: AppContext,
  bounceDomain: string,
): Promise<PlatformKeysTable | undefined> {
  return ctx.store.db
    .selectFrom('platform_keys')
    .selectAll()
    .where('domain', '=', bounceDomain)
    .executeTakeFirst();
}

/** The bounce domain's key, created when it has none yet (any caller on any node may win the race). */
export async function ensurePlatformKey(ctx: AppContext, bounceDomain: string): Promise<PlatformKeysTable> {
  const existing = await findPlatformKey(ctx, bounceDomain);
  if (existing) return existing;
  const generated = await generateDkimKeyAsync('rsa-2048');
  await ctx.store.db
    .insertInto('platform_keys')
    .values({
      domain: bounceDomain,
      selector: newSelector(ctx.clock.now()),
      algorithm: 'rsa-2048',
      public_key: generated.publicKey,
      private_key_enc: ctx.secrets.encrypt(generated.privateKeyPem, `platform-dkim:${bounceDomain}`),
      created_at: ctx.clock.now(),
    })
    .onConflict((oc) => oc.column('domain').doNothing())
    .execute();
  const row = await findPlatformKey(ctx, bounceDomain);
  if (!row) throw new Error(`the platform key of ${bounceDomain} vanished after it was stored`);
  return row;
}
