import { InputError, UsageError } from '../../errors.ts';
import { redactUrl } from '../registry.ts';
import { StorageConflict } from '../types.ts';

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

/** `text` without URLs' passwords and without any of `secrets` (the password itself). */
export function scrubbed(text: string, secrets: readonly string[]): string {
  let safe = safeUrl(text.split('\n')[0] ?? '');
  for (const secret of secrets) safe = safe.split(secret).join('***');
  return safe;
}

/**
 * An error fit to print after `context` (the study's location and what failed): quicktune's own pass through;
 * the driver's and the server's become one line without secrets, classified for the exit code.
 */
export function printableError(error: unknown, context: string, secrets: readonly string[]): Error {
  if (error instanceof InputError || error instanceof UsageError || error instanceof StorageConflict) return error;
  const code = codeOf(error);
  const message = scrubbed(messageOf(error), secrets);
  if (code === '28P01' || code === '28000') {
    return new InputError(`${context}: ${message} (the password comes from the URL, PGPASSWORD or ~/.pgpass)`, 'storage.auth');
  }
  if (/client password must be a (non-empty )?string/i.test(message)) {
    return new InputError(`${context}: the server asks for a password and none was given (in the URL, PGPASSWORD or ~/.pgpass)`, 'storage.auth');
  }
  return new InputError(`${context}: ${message}${code !== undefined && !message.includes(code) ? ` (${code})` : ''}`, isTransient(error) ? 'storage.unreachable' : 'storage.failed');
}
