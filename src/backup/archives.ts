import { readdir } from "node:fs/promises";

const archiveName = /^mamori-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.mbk$/;

/** The backup archives in the backup folder and the time each was taken (from its name), newest first. */
export async function listBackupArchives(dir: string): Promise<Array<{ name: string; at: Date }>> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  return names
    .flatMap((name) => {
      const m = archiveName.exec(name);
      return m ? [{ name, at: new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) }] : [];
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}
