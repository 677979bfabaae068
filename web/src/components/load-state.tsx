/**
 * What a page shows before and instead of its data: loading, the API's error with a retry, or
 * "not available" when the endpoint does not exist on this server yet (404 without a resource).
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import type { Resource } from '../hooks/use-resource';

export function isMissingEndpoint(error: ApiError | undefined): boolean {
  return error?.status === 404 && /^no route /.test(error.message);
}

export function NotAvailable() {
  const { t } = useTranslation();
  return (
    <div className="state not-available" role="status">
      {t('app.notAvailable')}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: ApiError; retry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="state error" role="alert">
      <strong>{t('app.errorTitle')}</strong>
      <p>{error.message}</p>
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** Renders `children(data)` once loaded; otherwise the loading, missing or error state. */
export function LoadState<T>({
  resource,
  children,
}: {
  resource: Resource<T>;
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (resource.error && isMissingEndpoint(resource.error)) return <NotAvailable />;
  if (resource.error) return <ErrorState error={resource.error} retry={resource.reload} />;
  if (resource.data === undefined)
    return (
      <div className="state loading" role="status">
        {t('app.loading')}
      </div>
    );
  return <>{children(resource.data)}</>;
}
