/**
 * Content rules (R25): the org's notices and footers in the order they apply, each one's form
 * (new, edit, or read-only for members), and enable, disable and delete from the list.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, patch } from '../api/client';
import type { ContentRule, ContentRulePatch } from '../api/types';
import { ErrorBanner, SuccessBanner } from '../components/error-banner';
import { ListTable } from '../components/list-table';
import { LoadState } from '../components/load-state';
import { type RuleActions, RuleCells } from '../content-rules/rule-cells';
import { RuleForm } from '../content-rules/rule-form';
import { useSession } from '../hooks/session';
import { useListActions } from '../hooks/use-list-actions';
import { useResource } from '../hooks/use-resource';

const path = (r: ContentRule) => `/api/v1/content-rules/${encodeURIComponent(r.id)}`;

export function ContentRulesPage() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const rules = useResource<{ items: ContentRule[] }>('/api/v1/content-rules');
  /** undefined: no form; null: a new rule; else the rule open in the form. */
  const [open, setOpen] = useState<ContentRule | null>();
  const { act, error, notice, setNotice } = useListActions(rules.reload);

  const actions: RuleActions = {
    open: (r) => {
      setNotice(undefined);
      setOpen(r);
    },
    toggle: (r) => void act(() => patch(path(r), { enabled: !r.enabled } satisfies ContentRulePatch)),
    remove: async (r) => {
      if (open?.id === r.id) setOpen(undefined);
      await act(() => del(path(r)), t('contentRules.removed', { name: r.name }));
    },
  };
  const saved = (rule: ContentRule, created: boolean) => {
    setOpen(undefined);
    setNotice(t(created ? 'contentRules.created' : 'contentRules.saved', { name: rule.name }));
    rules.reload();
  };

  return (
    <>
      <div className="page-head">
        <h1>{t('contentRules.title')}</h1>
        {canEdit && (
          <button
            type="button"
            onClick={() => {
              setNotice(undefined);
              setOpen(null);
            }}
          >
            {t('contentRules.add')}
          </button>
        )}
      </div>
      <p className="intro">{t('contentRules.intro')}</p>
      <SuccessBanner message={notice} />
      <ErrorBanner error={error} />
      {open !== undefined && (
        <RuleForm
          key={open ? `${open.id}@${open.updatedAt}` : 'new'}
          saved={open ?? undefined}
          canEdit={canEdit}
          onSaved={saved}
          onCancel={() => setOpen(undefined)}
        />
      )}
      <LoadState resource={rules}>
        {({ items }) => (
          <ListTable
            items={items}
            empty={t('contentRules.empty')}
            columns={[
              t('contentRules.order'),
              t('contentRules.name'),
              t('contentRules.position'),
              t('contentRules.emailTypes'),
              t('contentRules.recipients'),
              t('contentRules.text'),
              t('contentRules.state'),
              { hidden: t('contentRules.actions') },
            ]}
            rowKey={(r) => r.id}
            row={(r) => <RuleCells rule={r} actions={actions} canEdit={canEdit} />}
          />
        )}
      </LoadState>
    </>
  );
}
