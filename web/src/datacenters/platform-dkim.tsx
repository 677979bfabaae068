/**
 * The platform's DKIM key of a data center: platform delivery signs with it the mail of domains
 * without a key of their own, so its TXT record must be published at the bounce domain.
 */
import { useTranslation } from 'react-i18next';
import type { PlatformDkim } from '../api/types';
import { DnsRecordView } from '../components/dns-record';
import { LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';

export function PlatformDkimRecord({ dataCenterId }: { dataCenterId: string }) {
  const { t } = useTranslation();
  const key = useResource<PlatformDkim>(`/api/v1/datacenters/${encodeURIComponent(dataCenterId)}/dkim`);
  return (
    <div className="platform-dkim" data-testid="platform-dkim">
      <h3>{t('ipAllowList.platformDkim')}</h3>
      <LoadState resource={key}>
        {(k) => (
          <>
            <p className="muted">{t('ipAllowList.platformDkimIntro', { domain: k.domain })}</p>
            <DnsRecordView
              record={k.dnsRecord}
              title={t('ipAllowList.platformDkimRecord', { selector: k.selector, algorithm: k.algorithm })}
            />
          </>
        )}
      </LoadState>
    </div>
  );
}
