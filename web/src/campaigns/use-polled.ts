/**
 * Loads one API resource and loads it again after `next(data)` milliseconds (a campaign still going
 * out), or never when it answers null; keeps the last answer on screen meanwhile; stops when the
 * page is left.
 */
import { useEffect, useState } from 'react';
import { ApiError, get } from '../api/client';

export function usePolled<T>(path: string, next: (data: T) => number | null) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `next` is read once per answer; tick reloads
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      get<T>(path).then(
        (value) => {
          if (!live) return;
          setData(value);
          setError(undefined);
          const wait = next(value);
          if (wait !== null) timer = setTimeout(load, wait);
        },
        (err: unknown) => {
          if (!live) return;
          setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
        },
      );
    void load();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [path, tick]);
  return { data, error, reload: () => setTick((n) => n + 1) };
}
