/**
 * The unsubscribe page (`GET /u/<token>`) and its answers, in Japanese or English: one button that
 * posts `List-Unsubscribe=One-Click` back to the same URL (a GET never unsubscribes: link scanners
 * fetch every URL). Self-contained: no script, no external resource; its one style block is allowed
 * by hash in a policy that allows nothing else.
 */
import { createHash } from 'node:crypto';
import type { PageLanguage } from '../domain/accept-language.js';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}' +
  'button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.3rem;background:#1d4ed8;color:#fff;cursor:pointer}';

export const UNSUBSCRIBE_PAGE_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

type PageKind = 'confirm' | 'done' | 'invalid';

const words: Record<PageLanguage, Record<PageKind, { title: string; text: string }> & { button: string }> = {
  en: {
    confirm: {
      title: 'Unsubscribe',
      text: 'Stop receiving bulk email from this sender at this address? Mail you ask for yourself, such as receipts and replies, still arrives.',
    },
    done: {
      title: 'You are unsubscribed',
      text: 'This sender’s bulk email will no longer be sent to you. Nothing else is needed.',
    },
    invalid: { title: 'Link not valid', text: 'This unsubscribe link is not valid. Nothing was changed.' },
    button: 'Unsubscribe',
  },
  ja: {
    confirm: {
      title: '配信停止',
      text: 'このアドレスへの、この送信者からの一斉配信メールを停止しますか？ 受付確認や返信など、ご自身で依頼されたメールは引き続き届きます。',
    },
    done: {
      title: '配信を停止しました',
      text: 'この送信者からの一斉配信メールは今後届きません。これ以上の操作は必要ありません。',
    },
    invalid: { title: 'リンクが無効です', text: 'この配信停止リンクは無効です。何も変更されていません。' },
    button: '配信を停止する',
  },
};

/**
 * The page. The button's form has no `action`: it posts to the very URL the page was fetched from,
 * whatever prefix a proxy in front of mailroute adds.
 */
export function unsubscribePage(lang: PageLanguage, kind: PageKind): string {
  const w = words[lang];
  const form =
    kind === 'confirm'
      ? `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${w.button}</button></form>`
      : '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${w[kind].title}</title><style>${STYLE}</style></head><body><h1>${w[kind].title}</h1><p>${w[kind].text}</p>${form}</body></html>`;
}
