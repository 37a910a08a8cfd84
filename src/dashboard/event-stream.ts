import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StudyView } from './study-view.ts';
import { EVENT_DELTA, EVENT_SNAPSHOT, type Cursor, type DashboardMessage } from './view/protocol.ts';

/** A comment line every this often keeps idle connections (and proxies) from timing out. */
const KEEPALIVE_MS = 15_000;
/** A page that reads slower than this much queued output is dropped; it reconnects and catches up. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

interface Client {
  readonly response: ServerResponse;
  cursor: Cursor;
}

/**
 * The pages connected to `/api/events` (server-sent events). A page gets a snapshot when it connects, then a
 * delta after every change. Each event's id names the cursor it leaves the page at, so a page whose connection
 * dropped reconnects (EventSource sends `Last-Event-ID`) and gets only what it missed; an id from another
 * server (the dashboard restarted) gets a snapshot.
 */
export class EventHub {
  private readonly view: StudyView;
  /** Random per server, so cursors of an earlier dashboard process are never taken for ours. */
  private readonly token: string;
  private readonly clients = new Set<Client>();
  private readonly keepalive: NodeJS.Timeout;

  constructor(view: StudyView, token: string) {
    this.view = view;
    this.token = token;
    this.keepalive = setInterval(() => {
      for (const client of this.clients) client.response.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes a GET /api/events request: headers, the first message, then stays open. */
  connect(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    // NOTE: a page that lost its connection retries after a second rather than the browser's default three.
    response.write('retry: 1000\n\n');
    const from = this.cursorOf(request.headers['last-event-id']);
    const delta = from === undefined ? undefined : this.view.deltaSince(from);
    const client: Client = { response, cursor: this.view.cursor };
    this.send(client, delta ?? this.view.snapshot());
    this.clients.add(client);
    const drop = (): void => void this.clients.delete(client);
    request.on('close', drop);
    response.on('error', drop);
  }

  /** After the study changed: each page gets what it lacks (pages at the same cursor share one encoding). */
  publish(): void {
    const encoded = new Map<string, string>();
    for (const client of this.clients) {
      const key = `${client.cursor.steps}.${client.cursor.expired}`;
      let text = encoded.get(key);
      if (text === undefined) {
        const delta = this.view.deltaSince(client.cursor);
        text = this.encode(delta ?? this.view.snapshot());
        encoded.set(key, text);
      }
      this.write(client, text);
    }
  }

  /** Ends every connection (the server is stopping). */
  close(): void {
    clearInterval(this.keepalive);
    for (const client of this.clients) client.response.end();
    this.clients.clear();
  }

  private send(client: Client, message: DashboardMessage): void {
    this.write(client, this.encode(message));
  }

  private write(client: Client, text: string): void {
    if (client.response.writableLength > MAX_QUEUED_BYTES) {
      client.response.destroy();
      this.clients.delete(client);
      return;
    }
    client.response.write(text);
    client.cursor = this.view.cursor;
  }

  /** One SSE event: JSON never holds a raw newline, so the data fits on one `data:` line. */
  private encode(message: DashboardMessage): string {
    const name = message.kind === 'snapshot' ? EVENT_SNAPSHOT : EVENT_DELTA;
    return `id: ${this.token}.${message.cursor.steps}.${message.cursor.expired}\nevent: ${name}\ndata: ${JSON.stringify(message)}\n\n`;
  }

  private cursorOf(header: string | string[] | undefined): Cursor | undefined {
    const text = Array.isArray(header) ? header[0] : header;
    const match = text === undefined ? null : /^([A-Za-z0-9]+)\.(\d+)\.(\d+)$/.exec(text.trim());
    if (!match || match[1] !== this.token) return undefined;
    return { steps: Number(match[2]), expired: Number(match[3]) };
  }
}
