import type { IncomingMessage, ServerResponse } from 'node:http';

/** Names a browser on this machine uses for a loopback server; a DNS-rebinding page sends its own name instead. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

const ALLOWED_METHODS = 'GET, HEAD';

type Next = (error?: unknown) => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

function sendError(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** `host:port`, `[v6]:port` or a bare name, lower-cased; null when it is not a Host header at all. */
export function parseHostHeader(value: string | undefined): { name: string; port: number | null } | null {
  if (value === undefined) return null;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), port: match[2] === undefined ? null : Number(match[2]) };
}

/** How a listen address appears in a Host header: IPv6 literals in brackets. */
export const hostName = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host).toLowerCase();

/**
 * DNS rebinding: a web page on evil.example whose name later resolves to 127.0.0.1 can read this unauthenticated
 * API from the user's browser, but its requests still carry `Host: evil.example`. Only this server's own names
 * and port are answered; anything else gets 421 Misdirected Request.
 */
export function hostGuard(allowedNames: readonly string[], boundPort: () => number): Middleware {
  const allowed = new Set(allowedNames.map(hostName));
  return (req, res, next) => {
    const host = parseHostHeader(req.headers.host);
    const port = boundPort();
    if (host && allowed.has(host.name) && (host.port === port || (host.port === null && port === 80))) {
      next();
      return;
    }
    sendError(res, 421, {
      code: 'REFUSED', message: `Host ${JSON.stringify(req.headers.host ?? '')} is not this server`,
      hint: `Use http://127.0.0.1:${port}/ (or localhost). To reach it under another name, start serve with --host or --allow-host NAME.`,
      details: { host: req.headers.host ?? null, allowed: [...allowed] },
    });
  };
}

/** `/api/groups/:id/stats` as a pattern a request path matches (any one segment for a parameter, a trailing slash allowed). */
export function routePattern(route: string): RegExp {
  const segments = route.split('/').filter((s) => s !== '').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^/${segments.join('/')}${segments.length ? '/?' : ''}$`);
}

/**
 * The API is read-only: other methods on its routes (the controllers' routes, as apiRoutes and the page's `/` give them)
 * are 405 with Allow; unknown paths stay 404.
 */
export function methodGuard(routes: readonly string[]): Middleware {
  const patterns = routes.map(routePattern);
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' || req.method === 'HEAD' || !patterns.some((pattern) => pattern.test(path))) {
      next();
      return;
    }
    sendError(res, 405, {
      code: 'UNSUPPORTED', message: `${req.method} is not allowed on ${path}`,
      hint: 'The API is read-only: use GET. See `nas-ledger serve --help` for the routes.', details: { allow: ALLOWED_METHODS },
    }, { allow: ALLOWED_METHODS });
  };
}
