/** A bounce reason in plain words (the code itself as the tooltip, for searching the docs). */
import { useTranslation } from 'react-i18next';
import type { BounceReason } from '../../../src/domain/bounce-reasons.js';

export function BounceReasonLabel({ reason }: { reason: BounceReason }) {
  const { t } = useTranslation();
  return (
    <span className="bounce-reason" title={reason} data-reason={reason}>
      {t(`bounceReasons.${reason}`)}
    </span>
  );
}
