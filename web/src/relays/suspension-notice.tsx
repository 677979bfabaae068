/**
 * A suspended relay's reason (the last error that suspended it) and, on its edit page, a button to
 * resume it before the suspension ends.
 */
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import type { RelayView } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { dateTime } from '../components/format';
import { useAction } from '../hooks/use-action';

export function SuspendedReason({ relay }: { relay: RelayView }) {
  const { t } = useTranslation();
  if (relay.status !== 'suspended' || !relay.suspendedReason) return null;
  return (
    <p className="suspended-reason">
      {t('suspension.reason')}: <code>{relay.suspendedReason}</code>
    </p>
  );
}

export function SuspensionNotice({
  relay,
  canEdit,
  resumed,
}: {
  relay: RelayView;
  canEdit: boolean;
  resumed: () => void;
}) {
  const { t } = useTranslation();
  const resume = useAction(() => post<RelayView>(`/api/v1/relays/${encodeURIComponent(relay.id)}/resume`));
  if (relay.status !== 'suspended') return null;
  return (
    <section className="banner info suspension" aria-labelledby="suspension-title">
      <h2 id="suspension-title">{t('suspension.title', { until: dateTime(relay.suspendedUntil) })}</h2>
      <p>{t('suspension.meanwhile')}</p>
      <SuspendedReason relay={relay} />
      <ErrorBanner error={resume.error} />
      <button
        type="button"
        disabled={!canEdit || resume.busy}
        onClick={async () => {
          if ((await resume.run()) !== undefined) resumed();
        }}
      >
        {t('suspension.resume')}
      </button>
    </section>
  );
}
