/** A connection test step by step: outcome, time, the server's reply and, on failure, why. */
import i18n from 'i18next';
import { useTranslation } from 'react-i18next';
import type { RelayTestResult } from '../api/types';
import { dateTime } from '../components/format';

type Step = RelayTestResult['steps'][number];

function Certificate({ c }: { c: NonNullable<Step['certificate']> }) {
  const { t } = useTranslation();
  const verdict = (v: string) =>
    i18n.exists(`words.certificateVerdicts.${v}`) ? t(`words.certificateVerdicts.${v}`) : v;
  return (
    <div className="certificate">
      <p>{t('test.certificate', { verdict: verdict(c.verdict) })}</p>
      <dl>
        <dt>{t('test.subject')}</dt>
        <dd>{c.subject}</dd>
        <dt>{t('test.issuer')}</dt>
        <dd>{c.issuer}</dd>
        <dt>{t('test.validTo')}</dt>
        <dd>{dateTime(c.validTo)}</dd>
        {c.problems.length > 0 && (
          <>
            <dt>{t('test.problems')}</dt>
            <dd>{c.problems.map(verdict).join(t('words.listSeparator'))}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

export function TestResultView({ result }: { result: RelayTestResult }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'ja' ? 'ja' : 'en';
  return (
    <div className={`test-result ${result.ok ? 'ok' : 'failed'}`}>
      <p className="verdict">{result.ok ? t('test.ok') : t('test.failed')}</p>
      <ol className="steps">
        {result.steps.map((s) => (
          <li key={s.step} className={s.ok ? 'ok' : 'failed'} data-step={s.step}>
            <span className="mark" aria-hidden="true">
              {s.ok ? '✓' : '✗'}
            </span>
            <strong>{t(`test.steps.${s.step}`)}</strong>
            <span className="ms">{t('test.ms', { ms: Math.round(s.ms) })}</span>
            {s.explanation && <p className="explanation">{s.explanation[lang]}</p>}
            {s.summary ? (
              <p className="detail">{t(`words.probe.${s.summary.code}`, s.summary.params)}</p>
            ) : (
              s.detail && (
                <p className="detail">
                  <span className="visually-hidden">{t('words.rawDetail')}: </span>
                  <span data-raw="">{s.detail}</span>
                </p>
              )
            )}
            {s.reply && (
              <p className="reply">
                <span className="visually-hidden">{t('test.reply')}: </span>
                <code data-raw="">{s.reply}</code>
              </p>
            )}
            {s.certificate && <Certificate c={s.certificate} />}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The result area: announced to screen readers when a test starts and when it ends. */
export function TestPanel({
  busy,
  result,
  error,
}: {
  busy: boolean;
  result?: RelayTestResult | undefined;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <section className="test-panel" aria-live="polite" aria-busy={busy} aria-label={t('test.title')}>
      {busy && <p role="status">{t('test.running')}</p>}
      {!busy && error && <p className="banner error">{error}</p>}
      {!busy && result && <TestResultView result={result} />}
    </section>
  );
}
