/** Reads server-sent events from a response body. */
export class EventReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  /** The next event with data (comments and `retry` lines skipped), within `timeoutMs`. */
  async next(timeoutMs: number): Promise<{ event: string; id: string; data: string }> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const field = (name: string): string => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
        if (field('data') !== '') return { event: field('event'), id: field('id'), data: field('data') };
        continue;
      }
      const left = until - Date.now();
      if (left <= 0) throw new Error(`no server-sent event within ${timeoutMs} ms`);
      const chunk = await Promise.race([this.reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no server-sent event within ${timeoutMs} ms`)), left))]);
      if (chunk.done) throw new Error('the event stream ended');
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}
