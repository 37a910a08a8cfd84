import { redactUrl } from '../registry.ts';

/** Errors after which a new connection (or a new try) may succeed: the connection dropped, the server restarts. */
const TRANSIENT_CODES = new Set([
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

export function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export function isTransient(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && (code.startsWith('08') || TRANSIENT_CODES.has(code))) return true;
  return error instanceof Error && /connection terminated|connection error|not queryable|connection ended|timeout expired|connection timeout/i.test(error.message);
}

/** A driver error's message (each one of an AggregateError). */
export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}

/** `redactUrl`, also for a password given as a query parameter, anywhere in a text. */
export function safeUrl(text: string): string {
  return redactUrl(text)
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/gi, '$1:***@')
    .replace(/([?&]password=)[^&#\s]*/gi, '$1***');
}
