/**
 * Sign-in with email and password (a session cookie). When the email and password match in several
 * orgs, the API answers 409 with those orgs and the form asks which one to enter; a throttled
 * sign-in (429) says how long to wait.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { Field } from '../components/field';
import { LanguageSwitch } from '../components/language-switch';
import { RadioGroup } from '../components/radio-group';
import { useSession } from '../hooks/session';

interface OrgOption {
  id: string;
  name: string;
}

/** The orgs of a 409 at sign-in, or undefined when the error is another one. */
function orgsOf(err: ApiError): OrgOption[] | undefined {
  const orgs = err.details.orgs;
  if (err.status !== 409 || !Array.isArray(orgs)) return undefined;
  return orgs.filter((o): o is OrgOption => typeof o?.id === 'string' && typeof o?.name === 'string');
}

function ErrorMessage({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  const seconds = error.details.retryAfterSeconds;
  const text =
    error.status === 429 && typeof seconds === 'number'
      ? t('login.throttled', { seconds })
      : t('login.failed', { message: error.message });
  return (
    <p className="banner error" role="alert">
      {text}
    </p>
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [orgs, setOrgs] = useState<OrgOption[]>();
  const [orgId, setOrgId] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const forget = () => {
    setOrgs(undefined);
    setOrgId('');
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email, password, orgs ? orgId || undefined : undefined);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
      const choice = orgsOf(apiError);
      if (choice) {
        setOrgs(choice);
        setOrgId(choice[0]?.id ?? '');
      } else setError(apiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login" id="main">
      <form onSubmit={submit} className="card" noValidate>
        <div className="login-head">
          <h1>{t('login.title')}</h1>
          <LanguageSwitch />
        </div>
        {error && <ErrorMessage error={error} />}
        <Field label={t('login.email')} error={error?.fields.email}>
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              forget();
            }}
            required
          />
        </Field>
        <Field label={t('login.password')} error={error?.fields.password}>
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              forget();
            }}
            required
          />
        </Field>
        {orgs && (
          <div className="login-orgs">
            <p role="status">{t('login.chooseOrg')}</p>
            <RadioGroup
              legend={t('login.org')}
              name="orgId"
              value={orgId}
              options={orgs.map((o) => ({ value: o.id, label: o.name }))}
              onChange={setOrgId}
              error={error?.fields.orgId}
            />
          </div>
        )}
        <button type="submit" disabled={busy}>
          {orgs ? t('login.submitOrg') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
