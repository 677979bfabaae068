/** The frame of every signed-in page: header (org, user, language, sign out), menu and content. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useSession } from '../hooks/session';
import { LanguageSwitch } from './language-switch';

const menu = [
  ['/relays', 'nav.relays'],
  ['/domains', 'nav.domains'],
  ['/ip-allow-list', 'nav.ipAllowList'],
  ['/destinations', 'nav.destinations'],
  ['/messages', 'nav.messages'],
  ['/reports', 'nav.reports'],
  ['/bounces', 'nav.bounces'],
  ['/suppressions', 'nav.suppressions'],
  ['/content-rules', 'nav.contentRules'],
  ['/notifications', 'nav.notifications'],
  ['/audit-log', 'nav.auditLog'],
  ['/webhooks', 'nav.webhooks'],
  ['/api-keys', 'nav.apiKeys'],
  ['/users', 'nav.users'],
  ['/settings', 'nav.settings'],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, canEdit, signOut } = useSession();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">mailroute</span>
        <span className="org">{me?.orgName}</span>
        <span className="spacer" />
        {me && (
          <span className="who">{t('app.signedInAs', { label: me.label, role: t(`roles.${me.role}`) })}</span>
        )}
        <LanguageSwitch />
        <button type="button" className="secondary small" onClick={() => void signOut()}>
          {t('app.signOut')}
        </button>
      </header>
      <nav className="side" aria-label={t('nav.label')}>
        <ul>
          {menu.map(([to, key]) => (
            <li key={to}>
              <NavLink to={to}>{t(key)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {!canEdit && me && (
          <p className="banner info" role="note">
            {t('app.readOnly')}
          </p>
        )}
        {children}
      </main>
    </div>
  );
}
