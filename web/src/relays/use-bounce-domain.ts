/** The bounce domain of the org's own data center, for the return-path options. */
import type { DataCenter } from '../api/types';
import { useResource } from '../hooks/use-resource';

export function useBounceDomain(): string {
  const dcs = useResource<{ items: DataCenter[] }>('/api/v1/datacenters');
  return dcs.data?.items.find((d) => d.current)?.bounceDomain ?? dcs.data?.items[0]?.bounceDomain ?? '';
}
