/** ユーザー: the org's console users and their roles (administrators change, members look). */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, del, patch, post } from '../api/client';
import type { UserView } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorBanner } from '../components/error-banner';
import { Field } from '../components/field';
import { ListTable } from '../components/list-table';
import { LoadState } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';

const emptyUser = { email: '', name: '', role: 'member' as UserView['role'], password: '' };

export function UsersPage() {
  const { t } = useTranslation();
  const { canEdit, me } = useSession();
  const users = useResource<{ items: UserView[] }>('/api/v1/users');
  const [form, setForm] = useState(emptyUser);
  const [error, setError] = useState<ApiError>();
  const run = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      users.reload();
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
      users.reload();
      return false;
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => post('/api/v1/users', form))) setForm(emptyUser);
  };
  const f = error?.fields ?? {};
  return (
    <>
      <h1>{t('users.title')}</h1>
      <form className="inline-form card" onSubmit={add} noValidate>
        <Field label={t('users.email')} error={f.email}>
          <input
            type="email"
            value={form.email}
            disabled={!canEdit}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </Field>
        <Field label={t('users.name')} error={f.name}>
          <input
            value={form.name}
            disabled={!canEdit}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </Field>
        <Field label={t('users.role')} error={f.role}>
          <select
            value={form.role}
            disabled={!canEdit}
            onChange={(e) => setForm({ ...form, role: e.target.value as UserView['role'] })}
          >
            <option value="member">{t('users.roles.member')}</option>
            <option value="admin">{t('users.roles.admin')}</option>
          </select>
        </Field>
        <Field label={t('users.password')} error={f.password}>
          <input
            type="password"
            autoComplete="new-password"
            value={form.password}
            disabled={!canEdit}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </Field>
        <button type="submit" disabled={!canEdit}>
          {t('users.add')}
        </button>
      </form>
      <ErrorBanner error={error && Object.keys(error.fields).length === 0 ? error : undefined} />
      <LoadState resource={users}>
        {({ items }) => (
          <ListTable
            items={items}
            empty={t('users.empty')}
            columns={[t('users.email'), t('users.name'), t('users.role'), { hidden: t('users.remove') }]}
            rowKey={(u) => u.id}
            row={(u) => (
              <>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td>
                  <select
                    aria-label={`${t('users.role')}: ${u.email}`}
                    value={u.role}
                    disabled={!canEdit || u.id === me?.id}
                    onChange={(e) =>
                      void run(() =>
                        patch(`/api/v1/users/${encodeURIComponent(u.id)}`, { role: e.target.value }),
                      )
                    }
                  >
                    <option value="member">{t('users.roles.member')}</option>
                    <option value="admin">{t('users.roles.admin')}</option>
                  </select>
                </td>
                <td>
                  <ConfirmButton
                    label={t('users.remove')}
                    question={t('users.confirmRemove', { email: u.email })}
                    disabled={!canEdit || u.id === me?.id}
                    onConfirm={() =>
                      run(() => del(`/api/v1/users/${encodeURIComponent(u.id)}`)).then(() => undefined)
                    }
                  />
                </td>
              </>
            )}
          />
        )}
      </LoadState>
    </>
  );
}
