/**
 * A server's reply in the user's words: the explanation of the rule that classified it, then the
 * reply itself, verbatim and marked `data-raw` (the remote server's own words, e.g.
 * `connect ECONNREFUSED …`), as its detail.
 */
import { useTranslation } from 'react-i18next';
import { replyRuleText } from '../i18n/words';

export function ReplyExplained({ ruleId, reply }: { ruleId: string | null; reply: string | null }) {
  const { t } = useTranslation();
  const explained = replyRuleText(ruleId);
  if (!explained && !reply) return null;
  return (
    <span className="reply-explained">
      {explained && <span className="explanation">{explained}</span>}
      {reply && (
        <>
          {explained && ' '}
          <span className="visually-hidden">{t('words.rawDetail')}: </span>
          <code className="mono wrap raw-reply" data-raw="">
            {reply}
          </code>
        </>
      )}
    </span>
  );
}
