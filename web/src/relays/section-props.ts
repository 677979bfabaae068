/** What every section of the relay form receives. */
import type { RelayDraft } from './draft';

export interface SectionProps {
  draft: RelayDraft;
  set: (patch: Partial<RelayDraft>) => void;
  errors: Record<string, string>;
  disabled: boolean;
}
