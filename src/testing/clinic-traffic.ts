import type { Audit, AuditEntry } from "../audit/index.js";
import { seededRandom, type Clock } from "../kernel/index.js";

/** The hospital's own network, where staff normally work from. */
export const hospitalNetwork = "10.20.30";

export interface ClinicTrafficOptions {
  /** Account ids of the doctors. */
  doctors: readonly string[];
  /** Working days to simulate (Monday to Friday; weekends are skipped). */
  days: number;
  /** How many patients each doctor has (reads are drawn from that doctor's own patients). */
  patientsPerDoctor?: number;
  seed?: number;
}

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
// Japan has no daylight saving time: clinic hours are UTC+9 all year.
const jstOffsetMs = 9 * hourMs;

/**
 * Writes the audit trail of an ordinary clinic through the audit module, moving the manual clock as it goes:
 * each working day every doctor signs in from the hospital network around 08:30–09:30, reads 6–14 of their own
 * patients until about 17:00, now and then mistypes a password or is denied a record, and signs out. Returns the
 * seqs written. Deterministic for a seed.
 */
export async function simulateClinicTraffic(deps: { audit: Pick<Audit, "record">; clock: Clock & { advance(ms: number): void } }, options: ClinicTrafficOptions): Promise<number[]> {
  const random = seededRandom(options.seed ?? 1);
  const pick = (n: number) => Math.floor(random() * n);
  const patients = options.patientsPerDoctor ?? 40;
  const seqs: number[] = [];
  const moveTo = (at: number) => {
    const now = deps.clock.now().getTime();
    if (at > now) deps.clock.advance(at - now);
  };
  const record = async (entry: AuditEntry) => seqs.push(await deps.audit.record(entry));

  let day = startOfNextJstDay(deps.clock.now().getTime());
  for (let simulated = 0; simulated < options.days; day += dayMs) {
    const weekday = new Date(day + jstOffsetMs).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    simulated += 1;
    // Events of the day for every doctor, in time order.
    const events: Array<{ at: number; entry: AuditEntry }> = [];
    options.doctors.forEach((accountId, index) => {
      const network = { ip: `${hospitalNetwork}.${10 + index}`, userAgent: "Mozilla/5.0 (clinic workstation)" };
      const actor = { accountId, roles: ["doctor"] as const, sessionId: `s-${simulated}-${index}` };
      const signIn = day + 8.5 * hourMs + pick(60) * 60_000;
      if (pick(10) === 0) events.push({ at: signIn - 60_000, entry: { action: "auth.password", outcome: "failure", reasonCode: "identity.invalid_credentials", actor: {}, network } });
      events.push({ at: signIn, entry: { action: "auth.password", outcome: "success", actor, network } });
      let at = signIn + 5 * 60_000;
      const reads = 6 + pick(9);
      for (let read = 0; read < reads && at < day + 17 * hourMs; read += 1) {
        const patientId = `sim-${index}-${pick(patients)}`;
        events.push({ at, entry: { action: "fhir.read", outcome: "success", reasonCode: "access.permitted", actor, resource: { type: "Patient", id: patientId }, patientId, network } });
        at += (20 + pick(30)) * 60_000;
      }
      if (pick(8) === 0) {
        const patientId = `sim-other-${pick(patients)}`;
        events.push({ at: at - 10 * 60_000, entry: { action: "fhir.read", outcome: "denied", reasonCode: "access.no_permission", actor, resource: { type: "Patient", id: patientId }, patientId, network } });
      }
      events.push({ at: Math.max(at, day + 17 * hourMs), entry: { action: "auth.sign_out", outcome: "success", actor, network } });
    });
    events.sort((a, b) => a.at - b.at);
    for (const event of events) {
      moveTo(event.at);
      await record(event.entry);
    }
  }
  return seqs;
}

/** Midnight (JST) at the start of the day after `ms`, as epoch milliseconds. */
function startOfNextJstDay(ms: number): number {
  return Math.floor((ms + jstOffsetMs) / dayMs) * dayMs - jstOffsetMs + dayMs;
}
