import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { InputError } from '../errors.ts';
import { errorCode } from '../storage/journal-file.ts';
import { assetAt } from './assets.ts';
import type { EventHub } from './event-stream.ts';
import { CONTENT_SECURITY_POLICY, pageHtml } from './page-html.ts';
import { PAGE_CSS } from './page-style.ts';
import type { StudyView } from './study-view.ts';

export interface HttpOptions {
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  readonly view: StudyView;
  readonly hub: EventHub;
  readonly log: Logger;
}

export interface ListeningServer {
  /** `http://HOST:PORT/` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The only methods served: the dashboard never changes anything (HEAD is GET without a body). */
const READ_METHODS = new Set(['GET', 'HEAD']);
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The dashboard's HTTP server: the page, its modules, uPlot, the study as JSON (`/api/snapshot`) and the
 * live event stream (`/api/events`). Read-only: any method but GET (and HEAD) is answered 405.
 */
export async function listen(options: HttpOptions): Promise<ListeningServer> {
  const loopbackOnly = LOOPBACK.has(options.host) || options.host.startsWith('127.');
  let port = options.port;
  const server = createServer((request, response) => {
    void handle(request, response, options, loopbackOnly ? port : undefined).catch((error: unknown) => {
      options.log.warn({ url: request.url, err: error instanceof Error ? error.message : String(error) }, 'dashboard request failed');
      if (!response.headersSent) respond(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error) => reject(listenError(error, options)));
    server.listen(options.port, options.host, () => resolvePromise());
  });
  server.on('error', (error) => options.log.warn({ err: error.message }, 'dashboard server error'));
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${isIP(options.host) === 6 ? `[${options.host}]` : options.host}:${port}/`,
    port,
    close: () => closeServer(server, options.hub),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: HttpOptions, loopbackPort: number | undefined): Promise<void> {
  const method = request.method ?? 'GET';
  if (!READ_METHODS.has(method)) {
    response.setHeader('Allow', 'GET, HEAD');
    return respond(response, 405, 'text/plain; charset=utf-8', 'the dashboard is read-only: only GET is served\n');
  }
  // NOTE: a page of another site could reach a loopback server through DNS rebinding; it cannot forge Host.
  if (loopbackPort !== undefined && !isLoopbackHost(request.headers.host, loopbackPort)) {
    return respond(response, 421, 'text/plain; charset=utf-8', 'this dashboard answers only to localhost addresses\n');
  }
  const pathname = new URL(request.url ?? '/', 'http://dashboard').pathname;
  switch (pathname) {
    case '/':
    case '/index.html':
      return respond(response, 200, 'text/html; charset=utf-8', pageHtml(), method);
    case '/style.css':
      return respond(response, 200, 'text/css; charset=utf-8', PAGE_CSS, method);
    case '/api/snapshot':
      return respond(response, 200, 'application/json; charset=utf-8', JSON.stringify(options.view.snapshot()), method);
    case '/api/events':
      if (method === 'HEAD') return respond(response, 200, 'text/event-stream; charset=utf-8', '', method);
      return options.hub.connect(request, response);
    default: {
      const asset = await assetAt(pathname);
      if (asset === undefined) return respond(response, 404, 'text/plain; charset=utf-8', 'not found\n', method);
      return respond(response, 200, asset.type, asset.body, method);
    }
  }
}

function respond(response: ServerResponse, status: number, type: string, body: string | Buffer, method = 'GET'): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    // NOTE: the page follows a live study and the modules change with quicktune's version: never reuse a copy.
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  response.end(method === 'HEAD' ? undefined : body);
}

function isLoopbackHost(header: string | undefined, port: number): boolean {
  if (header === undefined) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header.trim().toLowerCase());
  const name = match?.[1]?.replace(/^\[|\]$/g, '');
  if (name === undefined || (match?.[2] !== undefined && Number(match[2]) !== port)) return false;
  return LOOPBACK.has(name) || name.startsWith('127.');
}

/** The one line a user sees when the server cannot start, naming the flag at fault. */
function listenError(error: Error, options: HttpOptions): InputError {
  switch (errorCode(error)) {
    case 'EADDRINUSE':
      return new InputError(`--port ${options.port}: the port is in use`, 'dashboard.port');
    case 'EACCES':
      return new InputError(`--port ${options.port}: not allowed to listen on this port (ports below 1024 need privileges)`, 'dashboard.port');
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new InputError(`--host ${options.host}: cannot listen on this address (it is not an address of this machine)`, 'dashboard.host');
    default:
      return new InputError(`--host ${options.host} --port ${options.port}: cannot listen (${error.message})`, 'dashboard.listen');
  }
}

async function closeServer(server: Server, hub: EventHub): Promise<void> {
  hub.close();
  await new Promise<void>((resolvePromise) => {
    server.close(() => resolvePromise());
    // NOTE: open event streams and idle keep-alive sockets would hold close() forever.
    server.closeAllConnections();
  });
}
