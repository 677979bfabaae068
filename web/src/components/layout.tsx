/**
 * The frame of every signed-in page: header (org, user, language, sign out), menu and content.
 * Below 600 px the menu collapses behind its button and closes again on navigation; the tables of
 * the content turn into cards (`useCardLabels`).
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router';
import { useSession } from '../hooks/session';
import { useCardLabels } from './card-labels';
import { LanguageSwitch } from './language-switch';

const menu = [
  ['/', 'dashboard.nav'],
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
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  useCardLabels(main);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page closes the menu
  useEffect(() => setMenuOpen(false), [pathname]);
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
        <button type="button" className="secondary small sign-out" onClick={() => void signOut()}>
          {t('app.signOut')}
        </button>
      </header>
      <nav className={menuOpen ? 'side open' : 'side'} aria-label={t('nav.label')}>
        <button
          type="button"
          className="secondary menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="menu-list"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <span aria-hidden="true">{menuOpen ? '✕' : '☰'}</span> {t('phones.menu')}
        </button>
        <ul id="menu-list">
          {menu.map(([to, key]) => (
            <li key={to}>
              <NavLink to={to} end={to === '/'}>
                {t(key)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1} ref={main}>
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
