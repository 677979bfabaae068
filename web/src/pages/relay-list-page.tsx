/**
 * メールリレー: every relay server with today's usage, state and actions; a connection test's result
 * opens right below the relay's own row.
 */
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { del, post } from '../api/client';
import type { RelayTestResult, RelayView } from '../api/types';
import { ErrorBanner, SuccessBanner } from '../components/error-banner';
import { Empty, LoadState } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useListActions } from '../hooks/use-list-actions';
import { useResource } from '../hooks/use-resource';
import { type RelayActions, RelayRow } from '../relays/relay-row';
import { TestPanel } from '../relays/test-result';

const path = (r: RelayView, action = '') => `/api/v1/relays/${encodeURIComponent(r.id)}${action}`;

export function RelayListPage() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const location = useLocation();
  const [params] = useSearchParams();
  const relays = useResource<{ items: RelayView[] }>('/api/v1/relays');
  const { act, error, notice } = useListActions(
    relays.reload,
    (location.state as { notice?: string } | null)?.notice,
  );
  const [test, setTest] = useState<{
    id: string;
    name: string;
    busy: boolean;
    result?: RelayTestResult;
    error?: string;
  }>();

  const actions: RelayActions = {
    toggle: (r) => void act(() => post(path(r, r.enabled ? '/disable' : '/enable'))),
    resume: (r) => void act(() => post(path(r, '/resume'))),
    remove: (r) => act(() => del(path(r)), t('relays.deleted', { name: r.name })),
    test: async (r) => {
      const which = { id: r.id, name: r.name };
      setTest({ ...which, busy: true });
      try {
        setTest({ ...which, busy: false, result: await post<RelayTestResult>(path(r, '/test')) });
      } catch (err) {
        setTest({ ...which, busy: false, error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
  const oauth = params.get('oauth');
  return (
    <>
      <div className="page-head">
        <h1>{t('relays.title')}</h1>
        {canEdit && (
          <Link className="button" to="/relays/new">
            {t('relays.add')}
          </Link>
        )}
      </div>
      <p className="intro">{t('relays.intro')}</p>
      {oauth === 'failed' && (
        <ErrorBanner message={t('relays.oauthFailed', { reason: params.get('reason') ?? '' })} />
      )}
      <ErrorBanner error={error} />
      <SuccessBanner message={notice} />
      <LoadState resource={relays}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty>{t('relays.empty')}</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('relays.name')}</th>
                    <th scope="col">{t('relays.host')}</th>
                    <th scope="col">{t('relays.domain')}</th>
                    <th scope="col">{t('relays.types')}</th>
                    <th scope="col">{t('relays.usage')}</th>
                    <th scope="col">{t('relays.status')}</th>
                    <th scope="col">{t('relays.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <Fragment key={r.id}>
                      <RelayRow relay={r} actions={actions} canEdit={canEdit} />
                      {test?.id === r.id && (
                        <tr className="relay-test-row" data-test-of={r.name}>
                          <td colSpan={7}>
                            <div className="relay-test">
                              <div className="relay-test-head">
                                <h2>{t('relays.testFor', { name: test.name })}</h2>
                                <button
                                  type="button"
                                  className="secondary small"
                                  onClick={() => setTest(undefined)}
                                >
                                  {t('app.close')}
                                </button>
                              </div>
                              <TestPanel busy={test.busy} result={test.result} error={test.error} />
                            </div>
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadState>
    </>
  );
}
