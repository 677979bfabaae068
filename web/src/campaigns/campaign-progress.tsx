/**
 * A campaign's progress: one bar of its deliveries by outcome, the counts by status, and by route
 * (one of the org's relays, mailroute as a fallback, mailroute by design), with each relay's share.
 */
import { useTranslation } from 'react-i18next';
import { routeKinds } from '../../../src/domain/campaign-progress.js';
import { deliveryStatuses } from '../../../src/domain/delivery-statuses.js';
import type { MessageProgress } from './types';

/** The bar's segments, in order, and the statuses each one counts. */
const segments = [
  ['sent', ['sent']],
  ['bounced', ['bounced', 'complained']],
  ['failed', ['failed', 'expired']],
  ['suppressed', ['suppressed']],
  ['deferred', ['deferred']],
  ['waiting', ['queued', 'sending']],
] as const;

/** The statuses listed under the bar (all, in the log's order), when there are any (some always). */
const listed = deliveryStatuses;
const always = new Set<string>(['queued', 'sent', 'bounced', 'failed', 'suppressed']);

const share = (n: number, total: number) => (total > 0 ? (100 * n) / total : 0);

export function CampaignProgress({ p }: { p: MessageProgress }) {
  const { t } = useTranslation();
  const s = p.statuses;
  const pending = s.queued + s.sending + s.deferred;
  const processed = p.total - pending;
  const percent = Math.floor(share(processed, p.total));
  const routed = p.routes.relay + p.routes.fallback + p.routes.platform;
  return (
    <section className="card campaign-progress" aria-labelledby="campaign-progress-title">
      <div className="campaign-progress-head">
        <h2 id="campaign-progress-title">{t('campaign.progress')}</h2>
        <span
          className={`badge ${p.done ? 'delivery-sent' : 'delivery-sending'}`}
          data-testid="campaign-state"
        >
          {p.done ? t('campaign.done') : t('campaign.sending')}
        </span>
      </div>
      <p className="campaign-summary" data-testid="campaign-summary">
        {t('campaign.summary', {
          processed: processed.toLocaleString(),
          total: p.total.toLocaleString(),
          percent,
        })}
      </p>
      <div
        className="campaign-bar"
        role="progressbar"
        aria-label={t('campaign.progress')}
        aria-valuemin={0}
        aria-valuemax={p.total}
        aria-valuenow={processed}
        aria-valuetext={`${percent}%`}
      >
        {segments.map(([name, statuses]) => {
          const n = statuses.reduce((sum, x) => sum + s[x], 0);
          return n > 0 ? (
            <span
              key={name}
              className={`campaign-bar-${name}`}
              style={{ width: `${share(n, p.total)}%` }}
              title={`${t(`campaign.segments.${name}`)}: ${n.toLocaleString()}`}
            />
          ) : null;
        })}
      </div>
      <h3>{t('campaign.byStatus')}</h3>
      <dl className="campaign-counts" data-testid="campaign-statuses">
        {listed
          .filter((x) => always.has(x) || s[x] > 0)
          .map((x) => (
            <div key={x} className={`campaign-count count-${x}`}>
              <dt>{t(`statuses.${x}`)}</dt>
              <dd>{s[x].toLocaleString()}</dd>
            </div>
          ))}
      </dl>
      <h3>{t('campaign.byRoute')}</h3>
      <dl className="campaign-counts" data-testid="campaign-routes">
        {routeKinds.map((k) => (
          <div key={k} className={`campaign-count route-${k}`}>
            <dt>{t(`campaign.routes.${k}`)}</dt>
            <dd>{p.routes[k].toLocaleString()}</dd>
          </div>
        ))}
        {p.total - routed > 0 && (
          <div className="campaign-count route-none">
            <dt>{t('campaign.notRouted')}</dt>
            <dd>{(p.total - routed).toLocaleString()}</dd>
          </div>
        )}
      </dl>
      {p.relays.length > 0 && (
        <ul className="campaign-relays" aria-label={t('campaign.byRelay')}>
          {p.relays.map((r) => (
            <li key={r.id}>
              <span className="campaign-relay-name">{r.name ?? t('campaign.deletedRelay')}</span>
              <span className="campaign-relay-count">{r.count.toLocaleString()}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
