/**
 * The sign-in page: a plain form (no script, so the strict CSP holds and it works without
 * JavaScript), rendered on the server. The only values put in are fixed messages and the escaped
 * `next` path.
 */
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/gu, (c) => ESC[c]!);

export type LoginNotice = 'failed' | 'signed-out' | null;

const NOTICE: Record<Exclude<LoginNotice, null>, { cls: string; text: string }> = {
  failed: { cls: 'error', text: 'Nama atau kata sandi salah.' },
  'signed-out': { cls: 'result ok', text: 'Anda telah keluar.' },
};

export function loginPage(o: { next: string; notice: LoginNotice }): string {
  const notice = o.notice ? `<p class="${NOTICE[o.notice].cls}" role="alert">${NOTICE[o.notice].text}</p>` : '';
  return `<!doctype html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Masuk — IP ASN Konsol Operator</title>
  <link rel="stylesheet" href="/style.css">
  <link rel="icon" href="data:,">
</head>
<body class="login-body">
  <main class="login card">
    <h1><span class="logo" aria-hidden="true">IP</span> Konsol Operator</h1>
    ${notice}
    <form method="post" action="/login" class="login-form">
      <input type="hidden" name="next" value="${escapeHtml(o.next)}">
      <label>Nama pengguna <input type="text" name="name" autocomplete="username" required maxlength="64" autofocus></label>
      <label>Kata sandi <input type="password" name="password" autocomplete="current-password" required maxlength="1024"></label>
      <button type="submit" class="primary">Masuk</button>
    </form>
    <p class="muted small">Akun dibuat oleh administrator dengan <code>console-users</code>.</p>
  </main>
</body>
</html>
`;
}
