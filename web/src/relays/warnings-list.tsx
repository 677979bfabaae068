/** The relay's R6 warnings in the console's language, with the ranges to allow-list when open. */
import { useTranslation } from 'react-i18next';
import type { RelayWarning } from '../api/types';
import { CopyButton } from '../components/copy-button';

export function WarningsList({ warnings }: { warnings: RelayWarning[] }) {
  const { t, i18n } = useTranslation();
  if (warnings.length === 0) return null;
  const lang = i18n.language === 'ja' ? 'ja' : 'en';
  return (
    <section className="warnings" aria-label={t('warnings.title')}>
      <h3>{t('warnings.title')}</h3>
      <ul>
        {warnings.map((w) => (
          <li key={w.code} data-code={w.code}>
            <p>{w.message[lang]}</p>
            {w.ranges && w.ranges.length > 0 && (
              <details>
                <summary>{t('warnings.ranges')}</summary>
                <pre className="ranges">{w.ranges.join('\n')}</pre>
                <CopyButton text={w.ranges.join('\n')} />
              </details>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
