/**
 * The one poller of the tests: calls `probe` until it returns a value (anything but undefined, null or false) and
 * returns it; after `timeoutMs` fails with what was awaited and the last value seen. Bounded by construction.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<T> {
  const { timeoutMs = 15_000, everyMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last !== undefined && last !== null && last !== false) return last as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The same poller for a wait that is followed by an assertion saying what is missing (rows not yet on a replica, a
 * process's output): true once `probe` holds, false after `timeoutMs` — it never throws, the assertion after it does.
 */
export async function waitUntil(what: string, probe: () => Promise<boolean> | boolean, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<boolean> {
  return eventually(what, async () => (await probe()) || undefined, options).then(() => true, () => false);
}
