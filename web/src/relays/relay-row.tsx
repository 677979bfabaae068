/** One relay in the list, with its actions: enable/disable, resume, edit, test, delete. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { RelayView } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { RelayStatus, UsageMeter } from './relay-status';
import { SuspendedReason } from './suspension-notice';

export interface RelayActions {
  toggle: (r: RelayView) => void;
  resume: (r: RelayView) => void;
  test: (r: RelayView) => void;
  remove: (r: RelayView) => Promise<void>;
}

export function RelayRow({
  relay,
  actions,
  canEdit,
}: {
  relay: RelayView;
  actions: RelayActions;
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation();
  const r = relay;
  return (
    <tr data-relay={r.name}>
      <td>
        <Link to={`/relays/${encodeURIComponent(r.id)}`}>{r.name}</Link>
        {r.warnings.length > 0 && (
          <span className="badge warn" title={r.warnings.map((w) => w.code).join(', ')}>
            {t('relays.warningsCount', { count: r.warnings.length })}
          </span>
        )}
      </td>
      <td>
        <code>
          {r.host}:{r.port}
        </code>
        <span className="muted"> {t(`security.${r.security}`)}</span>
      </td>
      <td>{r.domain}</td>
      <td>{r.emailTypes.map((x) => t(`emailTypes.${x}`)).join(i18n.language === 'ja' ? '、' : ', ')}</td>
      <td>
        <UsageMeter relay={r} />
      </td>
      <td>
        <RelayStatus relay={r} />
        <SuspendedReason relay={r} />
      </td>
      <td className="row-actions">
        <button
          type="button"
          className="secondary small"
          disabled={!canEdit}
          onClick={() => actions.toggle(r)}
        >
          {r.enabled ? t('relays.disable') : t('relays.enable')}
        </button>
        {r.status === 'suspended' && (
          <button
            type="button"
            className="secondary small"
            disabled={!canEdit}
            onClick={() => actions.resume(r)}
          >
            {t('relays.resume')}
          </button>
        )}
        <button type="button" className="secondary small" disabled={!canEdit} onClick={() => actions.test(r)}>
          {t('relays.test')}
        </button>
        <Link className="button secondary small" to={`/relays/${encodeURIComponent(r.id)}/health`}>
          {t('relayHealth.link')}
        </Link>
        <Link className="button secondary small" to={`/relays/${encodeURIComponent(r.id)}`}>
          {t('app.edit')}
        </Link>
        <ConfirmButton
          label={t('app.delete')}
          question={t('relays.confirmDelete', { name: r.name })}
          disabled={!canEdit}
          onConfirm={() => actions.remove(r)}
        />
      </td>
    </tr>
  );
}
