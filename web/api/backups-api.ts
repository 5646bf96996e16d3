import type { BackupStatusResponse } from "../../shared/api/index.js";
import { request } from "./http.js";

/** The backup status for administrators; the server authorizes (`read_backup_status`) and audits the reading. */
export function fetchBackupStatus(): Promise<BackupStatusResponse> {
  return request<BackupStatusResponse>("/api/admin/backups");
}
