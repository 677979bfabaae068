/** Copies a text to the clipboard and says so, politely, to screen readers too. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2500);
  };
  return (
    <span className="copy">
      <button type="button" className="secondary small" onClick={copy} aria-label={label ?? t('app.copy')}>
        {t('app.copy')}
      </button>
      <span aria-live="polite" className="copy-state">
        {state === 'copied' ? t('app.copied') : state === 'failed' ? t('app.copyFailed') : ''}
      </span>
    </span>
  );
}
