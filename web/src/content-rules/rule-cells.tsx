/** One content rule's cells in the list: what it adds, where and to whom, its state and actions. */
import { useTranslation } from 'react-i18next';
import type { ContentRule } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';

export interface RuleActions {
  open: (r: ContentRule) => void;
  toggle: (r: ContentRule) => void;
  remove: (r: ContentRule) => Promise<void>;
}

export function RuleCells({
  rule: r,
  actions,
  canEdit,
}: {
  rule: ContentRule;
  actions: RuleActions;
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation();
  const list = (items: string[]) => items.join(i18n.language === 'ja' ? '、' : ', ');
  return (
    <>
      <td>{r.order}</td>
      <td>{r.name}</td>
      <td>{t(`contentRules.positionShort.${r.position}`)}</td>
      <td>{list(r.emailTypes.map((x) => t(`emailTypes.${x}`)))}</td>
      <td>{r.recipientDomains.length > 0 ? list(r.recipientDomains) : t('contentRules.allRecipients')}</td>
      <td className="clip" title={r.text}>
        {r.text}
      </td>
      <td>
        <span className={`badge ${r.enabled ? 'status-active' : 'status-disabled'}`}>
          {r.enabled ? t('contentRules.on') : t('contentRules.off')}
        </span>
      </td>
      <td className="row-actions">
        <button type="button" className="secondary small" onClick={() => actions.open(r)}>
          {canEdit ? t('app.edit') : t('contentRules.view')}
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={!canEdit}
          onClick={() => actions.toggle(r)}
        >
          {r.enabled ? t('contentRules.disable') : t('contentRules.enable')}
        </button>
        <ConfirmButton
          label={t('app.delete')}
          question={t('contentRules.confirmRemove', { name: r.name })}
          disabled={!canEdit}
          onConfirm={() => actions.remove(r)}
        />
      </td>
    </>
  );
}
