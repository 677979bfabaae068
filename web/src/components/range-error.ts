/**
 * The API's messages for a number out of range ("must be between 1 and 100", "must be a whole
 * number") in the user's language; any other message is shown as the API wrote it.
 */
import type { TFunction } from 'i18next';

export function rangeError(t: TFunction, message: string | undefined): string | undefined {
  if (!message) return undefined;
  const between = /^must be between (\d+) and (\d+)$/.exec(message);
  if (between) return t('numbers.between', { min: between[1], max: between[2] });
  if (message === 'must be a whole number') return t('numbers.whole');
  if (/expected number/.test(message)) return t('numbers.required');
  return message;
}
