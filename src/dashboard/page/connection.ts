import { EVENT_DELTA, EVENT_SNAPSHOT, type DeltaMessage, type SnapshotMessage } from '../view/protocol.ts';

const RETRY_MS = 2000;

export type ConnectionStatus = 'connecting' | 'live' | 'lost';

export interface ConnectionHandlers {
  onSnapshot(message: SnapshotMessage): void;
  /** Returns false when the delta does not follow what the page holds: the connection then starts over. */
  onDelta(message: DeltaMessage): boolean;
  onStatus(status: ConnectionStatus): void;
}

/**
 * The page's link to the server: an EventSource on /api/events. The browser reconnects by itself after a drop
 * and sends the last event id, so the server sends only what was missed; a page that lost track (a delta that
 * does not follow) reconnects without an id and gets a snapshot.
 */
export class Connection {
  private readonly url: string;
  private readonly handlers: ConnectionHandlers;
  private source: EventSource | undefined;

  constructor(url: string, handlers: ConnectionHandlers) {
    this.url = url;
    this.handlers = handlers;
  }

  open(): void {
    this.source?.close();
    const source = new EventSource(this.url);
    this.source = source;
    this.handlers.onStatus('connecting');
    source.addEventListener('open', () => this.handlers.onStatus('live'));
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) return this.handlers.onStatus('connecting');
      // NOTE: the browser gives up for good on some failures (the server answered an error): try again later.
      this.handlers.onStatus('lost');
      setTimeout(() => {
        if (this.source === source) this.open();
      }, RETRY_MS);
    });
    // NOTE: the messages come from the dashboard server that served this page, so they are not validated again.
    source.addEventListener(EVENT_SNAPSHOT, (event) => {
      this.handlers.onStatus('live');
      this.handlers.onSnapshot(JSON.parse((event as MessageEvent<string>).data) as SnapshotMessage);
    });
    source.addEventListener(EVENT_DELTA, (event) => {
      const delta = JSON.parse((event as MessageEvent<string>).data) as DeltaMessage;
      if (!this.handlers.onDelta(delta)) this.open();
    });
  }
}
