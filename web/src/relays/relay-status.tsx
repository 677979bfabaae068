/**
 * A relay's state: active, disabled, suspended until the start of the next day, or, while active,
 * at its daily cap (its mail then goes to the next relay or to platform delivery).
 */
import { useTranslation } from 'react-i18next';
import type { RelayView } from '../api/types';
import { dateTime } from '../components/format';

export function RelayStatus({ relay }: { relay: RelayView }) {
  const { t } = useTranslation();
  if (relay.status === 'active' && relay.usageToday >= relay.dailyLimit)
    return (
      <span className="badge status-cap-reached" title={t('relayStatus.capReachedHint')}>
        {t('relayStatus.capReached', {
          used: relay.usageToday.toLocaleString(),
          limit: relay.dailyLimit.toLocaleString(),
        })}
      </span>
    );
  const text =
    relay.status === 'suspended'
      ? t('relayStatus.suspended', { until: dateTime(relay.suspendedUntil) })
      : t(`relayStatus.${relay.status}`);
  return <span className={`badge status-${relay.status}`}>{text}</span>;
}

export function UsageMeter({ relay }: { relay: RelayView }) {
  const { t } = useTranslation();
  const label = t('relays.usageOf', {
    used: relay.usageToday.toLocaleString(),
    limit: relay.dailyLimit.toLocaleString(),
  });
  return (
    <span className="usage">
      <meter
        min={0}
        max={relay.dailyLimit}
        high={relay.dailyLimit * 0.9}
        value={relay.usageToday}
        aria-label={label}
      />
      <span>{label}</span>
    </span>
  );
}
