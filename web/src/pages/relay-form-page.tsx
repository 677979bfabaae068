/** `/relays/new` and `/relays/:id`: the server form; for a saved relay also its warnings and checks. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import type { DomainView, RelayView } from '../api/types';
import { SuccessBanner } from '../components/error-banner';
import { LoadState } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';
import { AuthenticationCheck } from '../relays/authentication-check';
import { RelayForm } from '../relays/relay-form';
import { RelayStatus } from '../relays/relay-status';
import { SuspensionNotice } from '../relays/suspension-notice';
import { WarningsList } from '../relays/warnings-list';

function useDomains() {
  const domains = useResource<{ items: DomainView[] }>('/api/v1/domains');
  const [added, setAdded] = useState<DomainView[]>([]);
  const list = [
    ...(domains.data?.items ?? []),
    ...added.filter((a) => !domains.data?.items.some((d) => d.id === a.id)),
  ];
  return { domains, list, add: (d: DomainView) => setAdded((x) => [...x, d]) };
}

export function RelayNewPage() {
  const { t } = useTranslation();
  const { domains, list, add } = useDomains();
  return (
    <>
      <h1>{t('relayForm.newTitle')}</h1>
      <LoadState resource={domains}>{() => <RelayForm domains={list} onDomainAdded={add} />}</LoadState>
    </>
  );
}

export function RelayEditPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const relay = useResource<RelayView>(`/api/v1/relays/${encodeURIComponent(id)}`);
  const { domains, list, add } = useDomains();
  const [saved, setSaved] = useState(false);
  const { canEdit } = useSession();
  return (
    <LoadState resource={relay}>
      {(r) => (
        <>
          <div className="page-head">
            <h1>{t('relayForm.editTitle', { name: r.name })}</h1>
            <RelayStatus relay={r} />
          </div>
          {params.get('oauth') === 'connected' && <SuccessBanner message={t('relays.oauthConnected')} />}
          <SuccessBanner message={saved ? t('app.saved') : undefined} />
          <SuspensionNotice relay={r} canEdit={canEdit} resumed={relay.reload} />
          <WarningsList warnings={r.warnings} />
          <LoadState resource={domains}>
            {() => (
              <RelayForm
                key={r.updatedAt}
                saved={r}
                domains={list}
                onDomainAdded={add}
                onSaved={() => {
                  setSaved(true);
                  relay.reload();
                }}
              />
            )}
          </LoadState>
          <AuthenticationCheck relayId={r.id} />
        </>
      )}
    </LoadState>
  );
}
