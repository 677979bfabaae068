/**
 * The signed-in user's own password: the current one and a new one. The API ends the user's other
 * sessions and keeps this one; the form says so. Field errors of the API are shown in the user's
 * language where the console knows them, as the API wrote them otherwise.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldIssue } from '../../../src/domain/field-issues.js';
import { ApiError, post } from '../api/client';
import { ErrorBanner, SuccessBanner } from '../components/error-banner';
import { Field } from '../components/field';

const known: Record<string, 'wrongCurrent' | 'tooShort' | 'same' | 'empty'> = {
  'is not your current password': 'wrongCurrent',
  'must be at least 8 characters': 'tooShort',
  'must differ from the current password': 'same',
  'must not be empty': 'empty',
};

function byCode(i: FieldIssue): 'wrongCurrent' | 'tooShort' | 'same' | 'empty' | undefined {
  if (i.code === 'not_current_password') return 'wrongCurrent';
  if (i.code === 'same_password') return 'same';
  if (i.code === 'required') return 'empty';
  if (i.code === 'too_small') return i.params?.minimum === 1 ? 'empty' : 'tooShort';
  return undefined;
}

export function PasswordForm() {
  const { t } = useTranslation();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [error, setError] = useState<ApiError>();
  const [ended, setEnded] = useState<number>();
  const fieldError = (name: string) => {
    const message = error?.fields[name];
    if (!message) return undefined;
    const issue = error?.issues.find((i) => i.field === name);
    const key = (issue && byCode(issue)) ?? known[issue?.message ?? message];
    return key ? t(`password.errors.${key}`) : message;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setEnded(undefined);
    try {
      const res = await post<{ endedSessions: number }>('/api/auth/password', {
        currentPassword,
        newPassword,
      });
      setEnded(res.endedSessions);
      setCurrent('');
      setNew('');
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    }
  };
  return (
    <form className="card settings" onSubmit={submit} noValidate aria-labelledby="password-title">
      <h2 id="password-title">{t('password.title')}</h2>
      {error?.status === 429 && typeof error.details.retryAfterSeconds === 'number' ? (
        <ErrorBanner message={t('login.throttled', { seconds: error.details.retryAfterSeconds })} />
      ) : (
        <ErrorBanner error={error && Object.keys(error.fields).length === 0 ? error : undefined} />
      )}
      <SuccessBanner message={ended === undefined ? undefined : t('password.changed', { count: ended })} />
      <Field label={t('password.current')} error={fieldError('currentPassword')}>
        <input
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </Field>
      <Field label={t('password.new')} hint={t('password.newHint')} error={fieldError('newPassword')}>
        <input
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
        />
      </Field>
      <button type="submit">{t('password.submit')}</button>
    </form>
  );
}
