/** Dates and numbers in the console's language. */
import i18n from 'i18next';

const locale = () => (i18n.language === 'ja' ? 'ja-JP' : 'en-GB');

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}

export function number(n: number): string {
  return n.toLocaleString(locale());
}
