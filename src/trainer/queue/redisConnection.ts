// Redis URLs for the queue: parsing (redis:// and rediss:// for TLS, with an optional ACL user and
// password), a form safe to print (the password never appears in logs, events or errors), and a check
// before anything starts that turns an unreachable host, a refused password or a Redis too old for
// BullMQ into one clear sentence.
import { Redis, type RedisOptions } from 'ioredis';

export class QueueError extends Error {}

/** BullMQ needs Redis ≥ 6.2 (it uses commands added there). */
export const MIN_REDIS = [6, 2] as const;

export interface QueueTarget {
  /** redis[s]://[user@]host:port[/db], password removed: safe to print. */
  label: string;
  options: RedisOptions;
}

/** The URL without its password, for every message a user or log may see. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.toString().replace(/:@/, '@').replace(/\/$/, '');
  } catch {
    return '<an unparsable queue URL>';
  }
}

export function parseQueueUrl(url: string): QueueTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueError(`--queue: not a URL (expected redis://[user:password@]host:port or rediss://… for TLS)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new QueueError(`--queue: ${redactUrl(url)} is not a Redis URL (expected redis:// or rediss:// for TLS)`);
  }
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new QueueError(`--queue: database "${u.pathname.slice(1)}" in ${redactUrl(url)} is not a number`);
  return {
    label: redactUrl(url),
    options: {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : 6379,
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      db,
      ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
      // BullMQ's blocking commands need this; a dead server is noticed by the check below instead.
      maxRetriesPerRequest: null,
    },
  };
}

/** Connects once, authenticates, and reads the server version; a clear QueueError if any step fails. */
export async function checkQueue(target: QueueTarget, timeoutMs = 5000): Promise<string> {
  const redis = new Redis({ ...target.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The first 'error' event holds the real cause (ECONNREFUSED, WRONGPASS…); the rejected command
  // often only says "Connection is closed".
  let cause: Error | undefined;
  redis.on('error', (err: Error) => (cause ??= err));
  // A server that accepts the connection but never answers must not hang the command either.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ETIMEDOUT: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([redis.connect(), deadline]);
    const info = await Promise.race([redis.info('server'), deadline]);
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '0';
    const [major, minor] = version.split('.').map(Number);
    if (major < MIN_REDIS[0] || (major === MIN_REDIS[0] && minor < MIN_REDIS[1])) {
      throw new QueueError(`the queue at ${target.label} runs Redis ${version}; the queue (BullMQ) needs Redis ≥ ${MIN_REDIS.join('.')}: upgrade it`);
    }
    return version;
  } catch (err) {
    if (err instanceof QueueError) throw err;
    throw new QueueError(explain(target, cause ?? (err as Error)));
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/** One sentence naming the host (never the password) and what to check. */
export function explain(target: QueueTarget, err: Error): string {
  const m = err.message;
  if (/WRONGPASS|invalid username-password|NOAUTH|AUTH.*failed|without any password configured/i.test(m)) {
    return `the queue at ${target.label} refused the credentials (${m.split(' ')[0]}): check the user and password in the URL`;
  }
  if (/ECONNREFUSED/.test(m)) return `cannot reach the queue at ${target.label}: connection refused; is redis-server running there and listening on that address?`;
  if (/ENOTFOUND|EAI_AGAIN/.test(m)) return `cannot reach the queue at ${target.label}: the host name does not resolve`;
  if (/ETIMEDOUT|timed? ?out/i.test(m)) return `cannot reach the queue at ${target.label}: no answer within the time limit; check the address, the port and any firewall`;
  if (/SSL|TLS|certificate|wrong version number/i.test(m)) return `TLS with the queue at ${target.label} failed (${m}): check rediss:// against the server's TLS setup`;
  return `the queue at ${target.label} failed: ${m.replace(target.options.password ?? '\u0000', '***')}`;
}
