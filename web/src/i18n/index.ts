/**
 * i18next with the console's two languages. The first visit follows the browser's language
 * (Japanese when it prefers Japanese, else English); a choice in the header is kept in localStorage.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { ja } from './ja';

export const languages = ['ja', 'en'] as const;
export type Language = (typeof languages)[number];
const storageKey = 'mailroute.language';

function stored(): Language | undefined {
  try {
    const v = localStorage.getItem(storageKey);
    return v === 'ja' || v === 'en' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function browserLanguage(
  list: readonly string[] = navigator.languages ?? [navigator.language],
): Language {
  for (const tag of list) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ja') return 'ja';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function setLanguage(lang: Language): void {
  try {
    localStorage.setItem(storageKey, lang);
  } catch {}
  void i18n.changeLanguage(lang);
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ja: { translation: ja } },
  lng: stored() ?? browserLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
