// The security headers of every web response, set by the web server before
// Next answers (pages, server actions, route handlers, static files, errors).
// Pure, so the policy is tested without a server.
//
// The Content-Security-Policy allows scripts by a fresh nonce per request
// ('strict-dynamic' lets those scripts load Next's chunks), so an injected
// <script> or inline handler does not run. Next finds the nonce in the
// request's Content-Security-Policy header and puts it on the scripts it
// renders; every page is rendered per request (app/layout.tsx), so each gets
// its own. Styles may be inline: React's style attributes need it, and CSS
// cannot run code.
import crypto from 'node:crypto';

export function newNonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The response headers for a request whose policy is `csp`. */
export function securityHeaders(csp: string): [string, string][] {
  return [
    ['Content-Security-Policy', csp],
    // frame-ancestors covers current browsers; X-Frame-Options the ones that predate it.
    ['X-Frame-Options', 'DENY'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'same-origin'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
  ];
}
