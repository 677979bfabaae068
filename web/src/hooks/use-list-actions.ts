/**
 * The actions on a list page's rows: each runs its API call and then reloads the list; a failure
 * goes to `error`, and what it did (when given) to `notice`, each clearing the other's old one.
 */
import { useState } from 'react';
import { ApiError } from '../api/client';

export function useListActions(reload: () => void, initialNotice?: string) {
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string | undefined>(initialNotice);
  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await fn();
      if (done) setNotice(done);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    }
    reload();
  };
  return { act, error, notice, setNotice };
}
