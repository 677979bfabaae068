/**
 * A webhook endpoint's state: disabled, or while enabled its health from the last tried
 * deliveries (enabled, degraded with how many failed, failing).
 */
import { useTranslation } from 'react-i18next';
import type { WebhookEndpoint } from '../api/types';

export function WebhookHealthBadge({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t } = useTranslation();
  if (!endpoint.enabled) return <span className="badge status-disabled">{t('webhooks.disabled')}</span>;
  if (endpoint.health === 'ok') return <span className="badge status-active">{t('webhooks.enabled')}</span>;
  const counts = { failures: endpoint.recentFailures, count: endpoint.recentDeliveries };
  return (
    <span
      className={`badge webhook-${endpoint.health}`}
      title={t('webhookHealth.hint', counts)}
      data-health={endpoint.health}
    >
      {t(`webhookHealth.${endpoint.health}`, counts)}
    </span>
  );
}
