/** Routes of the console; everything but the sign-in page needs a session. */
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Layout } from './components/layout';
import { DashboardPage } from './dashboard/dashboard-page';
import { useSession } from './hooks/session';
import { ApiKeysPage } from './pages/api-keys-page';
import { AuditLogPage } from './pages/audit-log-page';
import { BouncesPage } from './pages/bounces-page';
import { ContentRulesPage } from './pages/content-rules-page';
import { DestinationsPage } from './pages/destinations-page';
import { DomainsPage } from './pages/domains-page';
import { IpAllowListPage } from './pages/ip-allow-list-page';
import { LoginPage } from './pages/login-page';
import { MessagePage } from './pages/message-page';
import { MessagesPage } from './pages/messages-page';
import { NotificationsPage } from './pages/notifications-page';
import { RelayEditPage, RelayNewPage } from './pages/relay-form-page';
import { RelayHealthPage } from './pages/relay-health-page';
import { RelayListPage } from './pages/relay-list-page';
import { ReportsPage } from './pages/reports-page';
import { SettingsPage } from './pages/settings-page';
import { SuppressionsPage } from './pages/suppressions-page';
import { UsersPage } from './pages/users-page';
import { WebhooksPage } from './pages/webhooks-page';

function NotFound() {
  const { t } = useTranslation();
  return <p className="state empty">{t('app.notFound')}</p>;
}

function SignedIn() {
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<DashboardPage />} />
        <Route path="/relays" element={<RelayListPage />} />
        <Route path="/relays/new" element={<RelayNewPage />} />
        <Route path="/relays/:id" element={<RelayEditPage />} />
        <Route path="/relays/:id/health" element={<RelayHealthPage />} />
        <Route path="/domains" element={<DomainsPage />} />
        <Route path="/ip-allow-list" element={<IpAllowListPage />} />
        <Route path="/destinations" element={<DestinationsPage />} />
        <Route path="/messages" element={<MessagesPage />} />
        <Route path="/messages/:id" element={<MessagePage />} />
        <Route path="/reports" element={<ReportsPage />} />
        <Route path="/bounces" element={<BouncesPage />} />
        <Route path="/suppressions" element={<SuppressionsPage />} />
        <Route path="/content-rules" element={<ContentRulesPage />} />
        <Route path="/notifications" element={<NotificationsPage />} />
        <Route path="/audit-log" element={<AuditLogPage />} />
        <Route path="/webhooks" element={<WebhooksPage />} />
        <Route path="/api-keys" element={<ApiKeysPage />} />
        <Route path="/users" element={<UsersPage />} />
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Layout>
  );
}

export function App() {
  const { me } = useSession();
  const { t } = useTranslation();
  if (me === undefined)
    return (
      <p className="state loading" role="status">
        {t('app.loading')}
      </p>
    );
  return <BrowserRouter>{me ? <SignedIn /> : <LoginPage />}</BrowserRouter>;
}
