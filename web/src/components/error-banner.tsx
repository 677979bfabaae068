/** An API failure above a form or list: its message, announced at once. */
import type { ApiError } from '../api/client';

export function ErrorBanner({ error, message }: { error?: ApiError | undefined; message?: string }) {
  if (!error && !message) return null;
  return (
    <div className="banner error" role="alert">
      {message && <strong>{message} </strong>}
      {error?.message}
    </div>
  );
}

export function SuccessBanner({ message }: { message?: string | undefined }) {
  return (
    <div className="banner-slot" aria-live="polite">
      {message ? <div className="banner success">{message}</div> : null}
    </div>
  );
}
