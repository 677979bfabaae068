/** The complaint-rate guard on the reports page (issue 17): today's rate, and resuming paused mass email. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api/client';
import type { ComplaintRateView } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { dateTime } from '../components/format';
import { LoadState } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(2)}%`);

export function ComplaintRateCard() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const rate = useResource<ComplaintRateView>('/api/v1/reports/complaint-rate');
  const [error, setError] = useState<ApiError>();
  const resume = async () => {
    setError(undefined);
    try {
      await post('/api/v1/mass-email/resume');
      rate.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    }
  };
  return (
    <section className="card" data-testid="complaint-rate">
      <h2>{t('reports.complaintRate')}</h2>
      <LoadState resource={rate}>
        {(c) => (
          <>
            <p>
              {t('reports.complaintRateToday', {
                rate: percent(c.rate),
                complaints: c.complaints,
                delivered: c.delivered,
                day: c.day,
              })}
            </p>
            <p className="muted">
              {t('reports.complaintRateRule', { min: c.minDelivered.toLocaleString() })}
            </p>
            {c.paused && (
              <div className="banner error" role="alert">
                <p>
                  {t('reports.massPaused', {
                    at: dateTime(c.paused.pausedAt),
                    rate: percent(c.paused.complaints / Math.max(1, c.paused.delivered)),
                  })}
                </p>
                <button type="button" disabled={!canEdit} onClick={() => void resume()}>
                  {t('reports.resumeMass')}
                </button>
              </div>
            )}
            <ErrorBanner error={error} />
          </>
        )}
      </LoadState>
    </section>
  );
}
