/** Who is signed in: loaded from `/api/auth/me`; admins may change things, members only look. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, get, post } from '../api/client';
import type { Me } from '../api/types';
import { setTimeZone } from '../components/format';

interface Session {
  me: Me | null | undefined;
  canEdit: boolean;
  signIn: (email: string, password: string, orgId?: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMeState] = useState<Me | null>();
  // Every time in the console is shown in the org's zone, named (`components/format.ts`).
  const setMe = useCallback((m: Me | null) => {
    setTimeZone(m?.timeZone);
    setMeState(m);
  }, []);
  useEffect(() => {
    get<Me>('/api/auth/me').then(setMe, (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) setMe(null);
      else setMe(null);
    });
  }, [setMe]);
  const signIn = useCallback(
    async (email: string, password: string, orgId?: string) => {
      setMe(await post<Me>('/api/auth/login', { email, password, ...(orgId ? { orgId } : {}) }));
    },
    [setMe],
  );
  const signOut = useCallback(async () => {
    await post('/api/auth/logout');
    setMe(null);
  }, [setMe]);
  const value: Session = { me, canEdit: me?.role === 'admin', signIn, signOut };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
