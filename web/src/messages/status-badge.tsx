/** A delivery status in words, coloured by how it ended. */
import { useTranslation } from 'react-i18next';

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge delivery-${status}`}>{t(`statuses.${status}`, { defaultValue: status })}</span>
  );
}
