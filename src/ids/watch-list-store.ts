import type { Executor } from "../db/index.js";

type WatchListTables = {
  ids_watch_list: { patient_id: string; label: string; added_by: string; added_at: Date };
};

export interface WatchedPatient {
  patientId: string;
  label: string;
  addedBy: string;
  addedAt: Date;
}

/** The watch list of VIP and employee patients. */
export function createWatchListStore(executor: Executor) {
  const db = executor.withTables<WatchListTables>();
  return {
    async all(): Promise<WatchedPatient[]> {
      const rows = await db.selectFrom("ids_watch_list").selectAll().orderBy("added_at").execute();
      return rows.map((row) => ({ patientId: row.patient_id, label: row.label, addedBy: row.added_by, addedAt: row.added_at }));
    },
    async add(entry: WatchedPatient): Promise<void> {
      await db
        .insertInto("ids_watch_list")
        .values({ patient_id: entry.patientId, label: entry.label, added_by: entry.addedBy, added_at: entry.addedAt })
        .onConflict((conflict) => conflict.column("patient_id").doUpdateSet({ label: entry.label }))
        .execute();
    },
    /** Removes a patient; false when it was not listed. */
    async remove(patientId: string): Promise<boolean> {
      const result = await db.deleteFrom("ids_watch_list").where("patient_id", "=", patientId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}
