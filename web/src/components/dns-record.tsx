/** One DNS record to publish: type, name and value, each value with a copy button. */
import { useTranslation } from 'react-i18next';
import type { DnsRecord } from '../api/types';
import { CopyButton } from './copy-button';

export function DnsRecordView({ record, title }: { record: DnsRecord; title: string }) {
  const { t } = useTranslation();
  return (
    <div className="dns-record">
      <h4>{title}</h4>
      <dl>
        <dt>{t('domains.recordType')}</dt>
        <dd>
          <code>{record.type}</code>
        </dd>
        <dt>{t('domains.recordName')}</dt>
        <dd>
          <code className="wrap">{record.name}</code>
          <CopyButton text={record.name} label={`${t('app.copy')}: ${t('domains.recordName')}`} />
        </dd>
        <dt>{t('domains.recordValue')}</dt>
        <dd>
          <code className="wrap">{record.value}</code>
          <CopyButton text={record.value} label={`${t('app.copy')}: ${t('domains.recordValue')}`} />
        </dd>
      </dl>
    </div>
  );
}
