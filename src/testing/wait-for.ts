/**
 * Polls until `condition` holds, failing after `timeoutMs` with what was awaited: for tests of background loops,
 * bounded so a broken loop fails the test instead of hanging it.
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
