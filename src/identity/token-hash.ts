import { createHash } from "node:crypto";

/** Secrets handed to people (links, cookies) are stored only as their SHA-256, so a database copy grants nothing. */
export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}
