// A queue worker's name, as BullMQ gives it to Redis ("bull:<queue>:w:<name>"), says which machine it
// runs on, its process id and how many jobs it takes at once: `<host>:<pid>:slots<n>`. The coordinator
// reads the machines for the panel's "Queue workers" line, and the slots to split a group of ensemble
// members: split over worker *processes*, one 2-core worker took a 36-member group as one job and
// trained it on one core while the other idled.

/** The name a worker gives BullMQ: host, pid and how many jobs it takes at once. */
export function workerName(host: string, pid: number, slots: number): string {
  return `${host}:${pid}:slots${slots}`;
}

/** The process id in a worker's name (a job's `processedBy`), or undefined. */
export function workerPid(name: string | undefined): number | undefined {
  const m = /^[^:]*:(\d+)(?::slots\d+)?$/.exec(name ?? '');
  return m ? Number(m[1]) : undefined;
}

/** What BullMQ's `getWorkers()` lists: one Redis client per worker; `rawname` holds its full name. */
export type WorkerClient = Record<string, string | undefined>;

export interface QueueWorkers {
  /** Worker processes connected. */
  count: number;
  /** Their machines, sorted, each once. */
  hosts: string[];
  /** Jobs they take at once, together (a worker from before slots were named counts as one). */
  slots: number;
}

export function readWorkers(clients: WorkerClient[]): QueueWorkers {
  // `name` is the queue's name in BullMQ's listing; the worker's own name follows ":w:" in `rawname`.
  // An unnamed worker's client has no ":w:" part: it counts, with no host and one slot.
  const names = clients.map((c) => {
    const raw = c.rawname ?? c.name ?? '';
    const at = raw.indexOf(':w:');
    return at >= 0 ? raw.slice(at + 3) : '';
  });
  const hosts = [...new Set(names.map((n) => n.split(':')[0]).filter(Boolean))].sort();
  const slots = names.reduce((sum, n) => sum + Math.max(1, Number(/:slots(\d+)$/.exec(n)?.[1] ?? 1)), 0);
  return { count: clients.length, hosts, slots };
}
