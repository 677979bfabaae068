/**
 * The one table of plain-words explanations (Japanese and English) for everything the relay probe
 * can run into. Steps name an issue; only this table says what it means to an administrator.
 */
export interface Explanation {
  ja: string;
  en: string;
}

export const probeExplanations = {
  'dns-not-found': {
    en: 'The host name does not exist in DNS (no address was found). Check the spelling of the host, or ask the relay’s administrator for its correct name.',
    ja: 'ホスト名がDNSに見つかりません（アドレスがありません）。ホスト名の綴りを確認するか、リレーサーバーの管理者に正しいホスト名を確認してください。',
  },
  'dns-failed': {
    en: 'The DNS lookup of the host name failed or did not answer in time. This is usually temporary: try again, and check the DNS settings if it persists.',
    ja: 'ホスト名のDNS検索に失敗したか、時間内に応答がありませんでした。多くは一時的な問題です。再試行し、続く場合はDNSの設定を確認してください。',
  },
  'address-not-allowed': {
    en: 'The host points to an address mailroute may not connect to (for example a private, loopback or link-local address). Use the relay’s public address, or ask the operator to allow private relay hosts.',
    ja: 'ホストが、mailrouteからの接続が許可されていないアドレス（プライベート、ループバック、リンクローカルなど）を指しています。リレーサーバーの公開アドレスを使うか、運用者にプライベートアドレスの許可を依頼してください。',
  },
  'connection-refused': {
    en: 'The server refused the connection: nothing is listening on this port. Check the port number (465 for SSL, 587 or 25 for TLS) and that the mail service is running.',
    ja: 'サーバーが接続を拒否しました。このポートで待ち受けているサービスがありません。ポート番号（SSLは465、TLSは587または25）と、メールサービスが起動していることを確認してください。',
  },
  'tcp-timeout': {
    en: 'The connection timed out: the server did not answer at all. A firewall may be dropping it, or the host or port is wrong. Make sure the relay accepts connections from the data center’s IP addresses.',
    ja: '接続がタイムアウトしました。サーバーから応答がありません。ファイアウォールで遮断されているか、ホスト名またはポートが誤っている可能性があります。リレーサーバーがデータセンターのIPアドレスからの接続を受け付けているか確認してください。',
  },
  unreachable: {
    en: 'The server’s network cannot be reached from here (no route to host). Check the host address and the network path.',
    ja: 'ここからサーバーのネットワークに到達できません（経路がありません）。ホストのアドレスとネットワーク経路を確認してください。',
  },
  'bind-failed': {
    en: 'The configured outgoing (egress) address cannot be used on this machine. Check the data center’s egress address setting.',
    ja: '設定された送信元（egress）アドレスをこのマシンで使用できません。データセンターの送信元アドレスの設定を確認してください。',
  },
  'connection-closed': {
    en: 'The server closed the connection unexpectedly. It may limit connections, or refuse this client’s address.',
    ja: 'サーバーが予期せず接続を切断しました。接続数を制限しているか、このクライアントのアドレスを拒否している可能性があります。',
  },
  'no-greeting': {
    en: 'Connected, but the server sent no SMTP greeting. The security setting probably does not match the port: port 465 expects SSL from the first byte, ports 587 and 25 expect TLS (STARTTLS) or none.',
    ja: '接続できましたが、サーバーからSMTPの最初の応答（グリーティング）がありません。セキュリティ設定がポートに合っていない可能性があります。ポート465は最初からSSL、ポート587と25はTLS（STARTTLS）またはなしを使います。',
  },
  'greeting-refused': {
    en: 'The server answered but refused the session (421 or 554). It may be busy, or not accept mail from this address: ask its administrator to allow the data center’s IP addresses.',
    ja: 'サーバーは応答しましたが、接続を拒否しました（421または554）。混雑しているか、このアドレスからのメールを受け付けていない可能性があります。データセンターのIPアドレスを許可するよう管理者に依頼してください。',
  },
  'not-smtp': {
    en: 'The service on this port does not speak SMTP. Check the host and the port.',
    ja: 'このポートのサービスはSMTPではありません。ホスト名とポートを確認してください。',
  },
  'protocol-error': {
    en: 'The server sent an unexpected reply; see the reply for details.',
    ja: 'サーバーから想定外の応答がありました。詳細はサーバーの応答を確認してください。',
  },
  'reply-timeout': {
    en: 'The server stopped answering in the middle of the conversation. It may be overloaded, or a firewall may be interfering.',
    ja: 'サーバーが通信の途中で応答しなくなりました。過負荷か、ファイアウォールが通信を妨げている可能性があります。',
  },
  'service-closing': {
    en: 'The server is closing the connection (421): it is temporarily unavailable or limiting connections. Try again later.',
    ja: 'サーバーが接続を終了しました（421）。一時的に利用できないか、接続を制限しています。しばらくしてから再試行してください。',
  },
  'tls-wrong-mode': {
    en: 'The TLS handshake failed because the server answered in plain text: this port does not use SSL from the start. Choose TLS (STARTTLS) for this port, or use port 465 for SSL.',
    ja: 'サーバーが平文で応答したため、TLSハンドシェイクに失敗しました。このポートは最初からSSLを使うポートではありません。このポートでは「TLS（STARTTLS）」を選ぶか、SSLにはポート465を使ってください。',
  },
  'tls-failed': {
    en: 'The TLS handshake failed (no common protocol version or cipher, or the connection was dropped); see the detail. The server’s TLS configuration may need an update.',
    ja: 'TLSハンドシェイクに失敗しました（共通のプロトコルや暗号方式がない、または接続が切断された）。詳細を確認してください。サーバーのTLS設定の更新が必要な場合があります。',
  },
  'tls-timeout': {
    en: 'The TLS handshake did not complete in time. The server may not expect TLS on this port: check the security setting (SSL for 465, TLS for 587 or 25).',
    ja: 'TLSハンドシェイクが時間内に完了しませんでした。このポートではTLSを想定していない可能性があります。セキュリティ設定を確認してください（465はSSL、587と25はTLS）。',
  },
  'ca-certificate-invalid': {
    en: 'The CA certificate entered for this relay could not be read. Paste the certificate in PEM form (-----BEGIN CERTIFICATE----- …).',
    ja: 'このリレーに入力されたCA証明書を読み込めません。PEM形式（-----BEGIN CERTIFICATE----- …）で貼り付けてください。',
  },
  'starttls-not-offered': {
    en: 'The server does not offer STARTTLS, so the connection cannot be encrypted, and with security TLS mailroute does not send through it. Enable STARTTLS on the server, or use SSL on port 465.',
    ja: 'サーバーがSTARTTLSに対応していないため、通信を暗号化できません。セキュリティ「TLS」では、このサーバー経由では送信しません。サーバーでSTARTTLSを有効にするか、ポート465でSSLを使ってください。',
  },
  'starttls-refused': {
    en: 'The server offered STARTTLS but refused to start it. Check the server’s TLS configuration.',
    ja: 'サーバーはSTARTTLSを提示しましたが、開始を拒否しました。サーバーのTLS設定を確認してください。',
  },
  'certificate-expired': {
    en: 'The server’s certificate has expired. Ask the relay’s administrator to renew it.',
    ja: 'サーバーの証明書の有効期限が切れています。リレーサーバーの管理者に更新を依頼してください。',
  },
  'certificate-not-yet-valid': {
    en: 'The server’s certificate is not valid yet (its start date is in the future). Check the server’s certificate and clock.',
    ja: 'サーバーの証明書はまだ有効になっていません（有効期間の開始日が未来です）。サーバーの証明書と時刻を確認してください。',
  },
  'certificate-wrong-name': {
    en: 'The server’s certificate was issued for another name, not for this host name. Use a host name the certificate names (see the detail), or install a certificate for this name.',
    ja: 'サーバーの証明書は別の名前に対して発行されており、このホスト名と一致しません。証明書に記載されたホスト名（詳細を参照）を使うか、このホスト名の証明書をインストールしてください。',
  },
  'certificate-self-signed': {
    en: 'The server’s certificate is self-signed, so nothing proves the server is really yours. Install a certificate from a public CA, or paste this certificate into “CA certificate” to trust exactly this one.',
    ja: 'サーバーの証明書は自己署名のため、本当に自社のサーバーであることを証明できません。公的な認証局の証明書をインストールするか、この証明書を「CA証明書」に貼り付けて、この証明書だけを信頼してください。',
  },
  'certificate-untrusted': {
    en: 'The server’s certificate was issued by a certificate authority that is not trusted (for example an internal CA). Paste that CA’s certificate into “CA certificate”, or install a certificate from a public CA.',
    ja: 'サーバーの証明書は信頼されていない認証局（社内CAなど）が発行したものです。その認証局の証明書を「CA証明書」に貼り付けるか、公的な認証局の証明書をインストールしてください。',
  },
  'verification-off': {
    en: 'Warning: certificate verification is off, so mail would go to whoever answers at this address, even an impostor.',
    ja: '警告：証明書の検証がオフのため、このアドレスで応答する相手がなりすましであってもメールが送られます。',
  },
  'starttls-available': {
    en: 'Warning: the server offers STARTTLS, but with security none mail and passwords travel unencrypted. Choose TLS.',
    ja: '警告：サーバーはSTARTTLSに対応していますが、セキュリティ「なし」ではメールとパスワードが暗号化されずに送られます。「TLS」を選んでください。',
  },
  'ehlo-refused': {
    en: 'The server refused the EHLO/HELO greeting. It may not accept this client’s name or address.',
    ja: 'サーバーがEHLO/HELOを拒否しました。このクライアントの名前またはアドレスを受け付けていない可能性があります。',
  },
  'auth-not-offered': {
    en: 'The server does not offer authentication (no AUTH among its capabilities). Some servers offer it only after STARTTLS or on port 587; if the relay allow-lists IP addresses instead, choose authentication none.',
    ja: 'サーバーが認証（AUTH）を提供していません。STARTTLSの後やポート587でのみ認証を提供するサーバーもあります。IPアドレスで許可するリレーの場合は、認証「なし」を選んでください。',
  },
  'auth-mechanism-unsupported': {
    en: 'The server offers no authentication method mailroute can use (PLAIN or LOGIN for a password, XOAUTH2 for OAuth); the detail lists what it offers.',
    ja: 'サーバーが、mailrouteで使える認証方式（パスワードはPLAINまたはLOGIN、OAuthはXOAUTH2）を提供していません。提供されている方式は詳細を確認してください。',
  },
  'auth-failed': {
    en: 'Authentication failed (535): the username or password is wrong, or the OAuth access token was refused. Check the credentials; some providers also need an app password, or SMTP AUTH enabled for the account.',
    ja: '認証に失敗しました（535）。ユーザー名またはパスワードが誤っているか、OAuthのアクセストークンが拒否されました。認証情報を確認してください。アプリパスワードや、アカウントでのSMTP認証の有効化が必要なサービスもあります。',
  },
  'auth-needs-tls': {
    en: 'The server accepts a password only over an encrypted connection. Choose security TLS or SSL.',
    ja: 'サーバーは暗号化された接続でのみパスワードを受け付けます。セキュリティ「TLS」または「SSL」を選んでください。',
  },
  'auth-temporary': {
    en: 'The server cannot check the credentials right now (temporary failure). Try again later.',
    ja: 'サーバーが現在、認証情報を確認できません（一時的な障害）。しばらくしてから再試行してください。',
  },
  'auth-refused': {
    en: 'The server refused the authentication; its reply gives the reason.',
    ja: 'サーバーが認証を拒否しました。理由はサーバーの応答を確認してください。',
  },
  'auth-required': {
    en: 'The server requires authentication before it accepts mail. Set a username and password (or OAuth) for this relay, or ask its administrator to allow the data center’s IP addresses.',
    ja: 'サーバーはメールを受け付ける前に認証を求めています。このリレーにユーザー名とパスワード（またはOAuth）を設定するか、データセンターのIPアドレスを許可するよう管理者に依頼してください。',
  },
  'mail-from-refused': {
    en: 'The server refused the sender address: this account or relay may not send as this address. Allow the sender (or the bounce address) on the relay, or check the return-path setting.',
    ja: 'サーバーが送信者アドレスを拒否しました。このアカウントまたはリレーでは、このアドレスから送信できない可能性があります。リレー側で送信者（またはバウンス用アドレス）を許可するか、リターンパスの設定を確認してください。',
  },
  'mail-from-deferred': {
    en: 'The server temporarily refused the sender address (4xx). Try again later; if it persists, check the relay’s sender rules.',
    ja: 'サーバーが送信者アドレスを一時的に拒否しました（4xx）。しばらくしてから再試行し、続く場合はリレーの送信者に関する設定を確認してください。',
  },
  unexpected: {
    en: 'An unexpected error occurred during the test; see the detail.',
    ja: 'テスト中に予期しないエラーが発生しました。詳細を確認してください。',
  },
} as const satisfies Record<string, Explanation>;

export type ProbeIssue = keyof typeof probeExplanations;

/** The explanation of one issue, or of several read in order (a warning followed by its cause). */
export function explain(...issues: ProbeIssue[]): Explanation {
  const rows = issues.map((issue) => probeExplanations[issue]);
  return {
    en: rows.map((row) => row.en).join(' '),
    ja: rows.map((row) => row.ja).join(''),
  };
}
