/** Runs one API call on demand: busy flag, the error (with field messages) and the last result. */
import { useCallback, useState } from 'react';
import { ApiError } from '../api/client';

export interface Action<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  busy: boolean;
  error: ApiError | undefined;
  result: T | undefined;
  reset: () => void;
}

export function useAction<A extends unknown[], T>(fn: (...args: A) => Promise<T>): Action<A, T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<T>();
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(undefined);
      try {
        const value = await fn(...args);
        setResult(value);
        return value;
      } catch (err) {
        setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  const reset = useCallback(() => {
    setError(undefined);
    setResult(undefined);
  }, []);
  return { run, busy, error, result, reset };
}
