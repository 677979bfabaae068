/**
 * The form of one content rule, new or saved: every field of the API's rule, sent whole, with the
 * API's field messages shown beside their fields. Members see the same form, read-only.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, patch, post } from '../api/client';
import type { ContentRule } from '../api/types';
import { EmailTypeChecks } from '../components/email-type-checks';
import { Check, Field } from '../components/field';
import { FieldErrorsBanner } from '../components/field-errors-banner';
import { RadioGroup } from '../components/radio-group';
import { draftFromRule, draftToInput, emptyRuleDraft, type RuleDraft, ruleFieldErrors } from './draft';

/** Form fields that show their own error; any other goes to the banner. */
const shown = new Set(['name', 'position', 'text', 'html', 'emailTypes', 'recipientDomains', 'order']);

/** The API field each draft field answers to, to clear its error on change. */
const errorKeyOf = (key: string) => (key === 'domains' ? 'recipientDomains' : key);

export function RuleForm({
  saved,
  canEdit,
  onSaved,
  onCancel,
}: {
  saved?: ContentRule | undefined;
  canEdit: boolean;
  onSaved: (rule: ContentRule, created: boolean) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<RuleDraft>(() => (saved ? draftFromRule(saved) : emptyRuleDraft));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const disabled = !canEdit || busy;
  const set = (p: Partial<RuleDraft>) => {
    setDraft((d) => ({ ...d, ...p }));
    const touched = Object.keys(p).map(errorKeyOf);
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !touched.includes(k))));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const input = draftToInput(draft);
      const rule = saved
        ? await patch<ContentRule>(`/api/v1/content-rules/${encodeURIComponent(saved.id)}`, input)
        : await post<ContentRule>('/api/v1/content-rules', input);
      setErrors({});
      onSaved(rule, !saved);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
      setErrors(ruleFieldErrors(apiError.fields, draft));
      setFailure(apiError);
    } finally {
      setBusy(false);
    }
  };

  const errorCount = Object.keys(errors).length;
  const title = !saved
    ? t('contentRules.newTitle')
    : t(canEdit ? 'contentRules.editTitle' : 'contentRules.viewTitle', { name: saved.name });
  return (
    <form className="card rule-form" onSubmit={submit} noValidate aria-label={title}>
      <h2>{title}</h2>
      <FieldErrorsBanner
        show={errorCount > 0 || (failure !== undefined && Object.keys(failure.fields).length === 0)}
        title={errorCount > 0 ? t('contentRules.invalid') : failure?.message}
        errors={errors}
        shown={shown}
      />
      <div className="grid two">
        <Field label={t('contentRules.name')} error={errors.name}>
          <input value={draft.name} disabled={disabled} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field label={t('contentRules.order')} hint={t('contentRules.orderHint')} error={errors.order}>
          <input
            inputMode="numeric"
            value={draft.order}
            disabled={disabled}
            onChange={(e) => set({ order: e.target.value })}
          />
        </Field>
      </div>
      <RadioGroup
        legend={t('contentRules.position')}
        inline
        value={draft.position}
        disabled={disabled}
        error={errors.position}
        options={[
          { value: 'notice', label: t('contentRules.positions.notice') },
          { value: 'footer', label: t('contentRules.positions.footer') },
        ]}
        onChange={(position) => set({ position })}
      />
      <EmailTypeChecks
        legend={t('contentRules.emailTypes')}
        value={draft.emailTypes}
        disabled={disabled}
        error={errors.emailTypes}
        onChange={(emailTypes) => set({ emailTypes })}
      />
      <Field
        label={t('contentRules.recipientDomains')}
        hint={t('contentRules.recipientDomainsHint')}
        error={errors.recipientDomains}
      >
        <textarea
          rows={3}
          value={draft.domains}
          disabled={disabled}
          placeholder={disabled ? undefined : 'partner.example'}
          onChange={(e) => set({ domains: e.target.value })}
        />
      </Field>
      <Field
        label={t('contentRules.text')}
        hint={t('contentRules.textHint', { example: '{{field}}' })}
        error={errors.text}
      >
        <textarea
          rows={4}
          value={draft.text}
          disabled={disabled}
          onChange={(e) => set({ text: e.target.value })}
        />
      </Field>
      <Field label={t('contentRules.html')} hint={t('contentRules.htmlHint')} error={errors.html}>
        <textarea
          rows={4}
          value={draft.html}
          disabled={disabled}
          onChange={(e) => set({ html: e.target.value })}
        />
      </Field>
      <Check
        label={t('contentRules.enabled')}
        checked={draft.enabled}
        disabled={disabled}
        onChange={(enabled) => set({ enabled })}
      />
      <div className="form-actions">
        <span className="spacer" />
        <button type="button" className="link" onClick={onCancel}>
          {canEdit ? t('app.cancel') : t('app.close')}
        </button>
        {canEdit && (
          <button type="submit" disabled={disabled}>
            {saved ? t('app.save') : t('contentRules.create')}
          </button>
        )}
      </div>
    </form>
  );
}
