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
  if (relay.status !== 'suspended') return null;
  return (
    <section className="banner info suspension" aria-labelledby="suspension-title">
      <h2 id="suspension-title">{t('suspension.title', { until: dateTime(relay.suspendedUntil) })}</h2>
      <p>{t('suspension.meanwhile')}</p>
      <SuspendedReason relay={relay} />
      <ResumeButton relay={relay} canEdit={canEdit} resumed={resumed} label={t('suspension.resume')} />
    </section>
  );
}

/** Resumes a suspended relay now (`POST /api/v1/relays/:id/resume`), with the error if it fails. */
export function ResumeButton({
  relay,
  canEdit,
  resumed,
  label,
}: {
  relay: Pick<RelayView, 'id'>;
  canEdit: boolean;
  resumed: () => void;
  label: string;
}) {
  const resume = useAction(() => post<RelayView>(`/api/v1/relays/${encodeURIComponent(relay.id)}/resume`));
  return (
    <>
      <ErrorBanner error={resume.error} />
      <button
        type="button"
        disabled={!canEdit || resume.busy}
        onClick={async () => {
          if ((await resume.run()) !== undefined) resumed();
        }}
      >
        {label}
      </button>
    </>
  );
}
