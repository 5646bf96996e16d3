import type { CheckContext, CheckOutcome, ComplianceCheck } from "./check.js";

export interface CheckResult extends CheckOutcome {
  id: string;
  title: { ja: string; en: string };
  checkedAt: string;
  durationMs: number;
}

/**
 * Runs the checks one after another (they share the database and a small machine), each bounded by a timeout: a
 * check that runs over or throws reports `unknown` with the reason, never a guessed result.
 */
export async function runChecks(checks: readonly ComplianceCheck[], context: CheckContext, timeoutMs: number): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const started = performance.now();
    const checkedAt = context.clock.now().toISOString();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ status: "unknown", reason: `timed out after ${timeoutMs} ms`, evidence: { timeoutMs } }), timeoutMs);
    });
    let result: CheckOutcome;
    try {
      result = await Promise.race([check.run(context), timeout]);
    } catch (error) {
      result = { status: "unknown", reason: `check failed: ${error instanceof Error ? error.name : "error"}`, evidence: {} };
    } finally {
      clearTimeout(timer);
    }
    results.push({ id: check.id, title: check.title, checkedAt, durationMs: Math.round(performance.now() - started), ...result });
  }
  return results;
}
