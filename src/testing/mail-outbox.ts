import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

/** One message as a local relay would collect it from the pickup folder, decoded enough for tests to read. */
export interface PickedUpMail {
  file: string;
  /** File mode bits (0o600 expected). */
  mode: number;
  raw: string;
  to: string;
  subject: string;
  /** The plain-text body, transfer encoding undone. */
  text: string;
}

/** Every .eml in the pickup folder, oldest name first (an empty list when the folder does not exist yet). */
export async function readPickedUpMail(dir: string): Promise<PickedUpMail[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".eml")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      const raw = await readFile(file, "utf8");
      const [head = "", ...rest] = raw.split("\r\n\r\n");
      const headers = unfold(head);
      const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
      return { file, mode: (await stat(file)).mode & 0o777, raw, to: headers.get("to") ?? "", subject: headers.get("subject") ?? "", text: decodeBody(rest.join("\r\n\r\n"), encoding) };
    }),
  );
}

/** The one-time link in an invitation message (its token sits in the fragment). */
export function invitationLinkIn(mail: PickedUpMail): URL {
  const match = /https:\/\/\S+#token=[A-Za-z0-9_-]+/.exec(mail.text);
  if (!match) throw new Error(`no invitation link in ${mail.file}`);
  return new URL(match[0]);
}

function unfold(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    // RFC 2045 §6.7: "=" at a line end is a soft break; "=XX" is one byte.
    const soft = body.replace(/=\r\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i += 1) {
      const hex = soft.slice(i + 1, i + 3);
      if (soft[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}
