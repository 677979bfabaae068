/**
 * The API's messages for a number out of range ("must be between 1 and 100", "must be a whole
 * number") in the user's language; any other message is shown as the API wrote it.
 */
import type { TFunction } from 'i18next';
import { numberRangeText } from '../i18n/words';

export function rangeError(t: TFunction, message: string | undefined): string | undefined {
  if (!message) return undefined;
  const range = numberRangeText(message);
  if (range) return range;
  if (/expected number/.test(message)) return t('numbers.required');
  return message;
}
