/**
 * Why a delivery took its route, in plain words (issue 19): a short line for the message log, and
 * on the message page a sentence with every relay of the org and why it was taken or passed over.
 * The codes are `domain/route-reasons.ts`; the words are the i18n catalogues'.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { mainReason } from '../../../src/domain/route-reasons.js';
import type { LogEntry } from '../api/types';
import { dateTime } from '../components/format';

type Reasons = NonNullable<LogEntry['routeReasons']>;
type Reason = Reasons['relays'][number];

/** The words' parameters of one relay's reason: its name (or id), times and type in the language. */
function params(t: TFunction, r: Reason): Record<string, string | number> {
  const p: Record<string, string | number> = { relay: r.name ?? r.relay };
  if ('until' in r) p.until = dateTime(r.until);
  if ('type' in r) p.type = t(`emailTypes.${r.type}`, { defaultValue: r.type });
  for (const k of ['used', 'limit', 'perMinute', 'status', 'rule'] as const)
    if (k in r) p[k] = (r as Record<string, string | number>)[k]!;
  return p;
}

/** One relay's reason as a clause ("relay X reached its cap (1000/1000)"). */
export function why(t: TFunction, r: Reason, short = false): string {
  return t(`routeReasons.${short ? 'whyShort' : 'why'}.${r.code}`, params(t, r));
}

/** The decision in one sentence: long for the message page, short for the log. */
export function headline(t: TFunction, reasons: Reasons, short = false): string {
  const k = (key: string) => `routeReasons.${short ? 'short' : 'headline'}.${key}`;
  const main = mainReason(reasons);
  const reason = main ? why(t, main, short) : t(k('none'));
  switch (reasons.route) {
    case 'relay':
      return main?.code === 'bounced'
        ? t(k('bounced'), params(t, main))
        : t(k('relay'), main ? params(t, main) : {});
    case 'platform':
      if (reasons.because === 'no_relay') return t(k('platformNoRelay'));
      if (reasons.because === 'system') return t(k('platformSystem'));
      return t(k('platform'), { reason });
    case 'wait':
      return t(k('wait'), { reason });
    case 'retry':
      return t(k('retry'), { reason });
  }
}

/** The log's short line; nothing for a plain send through a relay, which the route column says. */
export function RouteReasonShort({ reasons }: { reasons: LogEntry['routeReasons'] }) {
  const { t } = useTranslation();
  if (!reasons) return null;
  if (reasons.route === 'relay' && mainReason(reasons)?.code === 'sent') return null;
  return <span className="route-reason">{headline(t, reasons, true)}</span>;
}

/** The message page: the decision, then each relay and why. */
export function RouteReasonsDetail({ reasons }: { reasons: LogEntry['routeReasons'] }) {
  const { t } = useTranslation();
  return (
    <section className="route-reasons" aria-label={t('routeReasons.title')}>
      <h4>{t('routeReasons.title')}</h4>
      {!reasons ? (
        <p className="muted">{t('routeReasons.none')}</p>
      ) : (
        <>
          <p className="route-headline">{headline(t, reasons)}</p>
          {reasons.relays.length > 0 && (
            <ul className="route-relays" aria-label={t('routeReasons.relays')}>
              {reasons.relays.map((r) => (
                <li key={r.relay} data-code={r.code}>
                  {why(t, r)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
