/**
 * The log's filters: status, type, route, date range, recipient, subject (as sent, after merge
 * fields) and campaign (a mass email's id), kept in the page's URL.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deliveryStatuses } from '../../../src/domain/delivery-statuses.js';
import { emailTypes } from '../../../src/domain/email-types.js';
import type { RelayView } from '../api/types';
import { Field } from '../components/field';

export interface LogFilter {
  status: string;
  type: string;
  route: string;
  since: string;
  until: string;
  recipient: string;
  subject: string;
  messageId: string;
}

export const filterKeys = [
  'status',
  'type',
  'route',
  'since',
  'until',
  'recipient',
  'subject',
  'messageId',
] as const;

export function LogFilters({
  value,
  relays,
  onApply,
}: {
  value: LogFilter;
  relays: RelayView[];
  onApply: (f: LogFilter) => void;
}) {
  const { t } = useTranslation();
  const [f, setF] = useState(value);
  const set = (p: Partial<LogFilter>) => setF((x) => ({ ...x, ...p }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(f);
  };
  const cleared: LogFilter = {
    status: '',
    type: '',
    route: '',
    since: '',
    until: '',
    recipient: '',
    subject: '',
    messageId: '',
  };
  return (
    <form className="filters card" onSubmit={submit} aria-label={t('messages.filters')}>
      <Field label={t('messages.status')}>
        <select value={f.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">{t('messages.any')}</option>
          {deliveryStatuses.map((s) => (
            <option key={s} value={s}>
              {t(`statuses.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('messages.type')}>
        <select value={f.type} onChange={(e) => set({ type: e.target.value })}>
          <option value="">{t('messages.any')}</option>
          {[...emailTypes, 'system' as const].map((x) => (
            <option key={x} value={x}>
              {t(`emailTypes.${x}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('messages.route')}>
        <select value={f.route} onChange={(e) => set({ route: e.target.value })}>
          <option value="">{t('messages.any')}</option>
          <option value="platform">{t('messages.platform')}</option>
          {relays.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('messages.since')}>
        <input type="date" value={f.since} onChange={(e) => set({ since: e.target.value })} />
      </Field>
      <Field label={t('messages.until')}>
        <input type="date" value={f.until} onChange={(e) => set({ until: e.target.value })} />
      </Field>
      <Field label={t('messages.recipient')}>
        <input
          type="search"
          value={f.recipient}
          placeholder={t('messages.recipientHint')}
          title={t('messages.recipientHint')}
          onChange={(e) => set({ recipient: e.target.value })}
        />
      </Field>
      <Field label={t('campaign.subjectFilter')}>
        <input
          type="search"
          value={f.subject}
          maxLength={200}
          placeholder={t('campaign.subjectHint')}
          title={t('campaign.subjectHint')}
          onChange={(e) => set({ subject: e.target.value })}
        />
      </Field>
      <Field label={t('campaign.filter')}>
        <input
          type="search"
          value={f.messageId}
          maxLength={64}
          placeholder={t('campaign.filterHint')}
          title={t('campaign.filterHint')}
          onChange={(e) => set({ messageId: e.target.value })}
        />
      </Field>
      <div className="filter-actions">
        <button type="submit">{t('messages.apply')}</button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setF(cleared);
            onApply(cleared);
          }}
        >
          {t('messages.clear')}
        </button>
      </div>
    </form>
  );
}
