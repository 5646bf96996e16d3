import { randomBytes, randomUUID } from "node:crypto";

/** A new random resource or record id (UUID v4: no order, so ids reveal nothing about volume or time). */
export function newId(): string {
  return randomUUID();
}

/** A secret token for one-time links and sessions: 256 bits, base64url. */
export function newSecretToken(): string {
  return randomBytes(32).toString("base64url");
}

/** A short id people can quote to support, e.g. for an incident. */
export function newIncidentId(): string {
  return randomBytes(6).toString("hex");
}
