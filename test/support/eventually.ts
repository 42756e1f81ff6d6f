/**
 * Waits for something the system does in the background (an outbox delivery, a drained queue):
 * polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` naming
 * what was awaited. A bound on waiting, not a timed assertion: it only makes the test fail sooner.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
