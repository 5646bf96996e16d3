import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";

/** One go-ftw stage input, as the replay sends it. */
export interface ReplayCase {
  family: string;
  ruleId: string;
  testId: string;
  method: string;
  uri: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Attack cases expect a CRS rule to fire; benign ones name rules that must not. */
  kind: "attack" | "benign";
}

interface FtwInput {
  method?: string;
  uri?: string;
  headers?: Record<string, unknown>;
  data?: string;
  encoded_request?: string;
  raw_request?: string;
}
interface FtwStage {
  input?: FtwInput;
  output?: { log?: { expect_ids?: unknown[]; no_expect_ids?: unknown[] }; expect_ids?: unknown[]; no_expect_ids?: unknown[] };
  stage?: { input?: FtwInput; output?: FtwStage["output"] };
}

/** Family of a CRS rule file folder, e.g. REQUEST-942-APPLICATION-ATTACK-SQLI → 942 sqli. */
export const familyOfFolder: Record<string, string> = {
  "911": "method", "913": "scanner", "920": "protocol", "921": "protocol-attack", "922": "multipart", "930": "lfi", "931": "rfi",
  "932": "rce", "933": "php", "934": "generic", "941": "xss", "942": "sqli", "943": "session-fixation", "944": "java",
};

/**
 * Reads the go-ftw YAML regression tests of the REQUEST-9xx folders (RESPONSE rules need an upstream response and
 * are left out). Stages sent as raw or encoded bytes cannot go through `inject` and are counted as skipped.
 */
export async function loadCrsCases(root: string): Promise<{ cases: ReplayCase[]; skipped: number }> {
  const cases: ReplayCase[] = [];
  let skipped = 0;
  for (const folder of (await readdir(root)).sort()) {
    const number = /^REQUEST-(\d{3})-/.exec(folder)?.[1];
    if (!number || !familyOfFolder[number]) continue;
    for (const file of (await readdir(path.join(root, folder))).filter((name) => name.endsWith(".yaml")).sort()) {
      const document = parse(await readFile(path.join(root, folder, file), "utf8")) as { rule_id?: unknown; tests?: Array<{ test_id?: unknown; stages?: FtwStage[] }> } | null;
      for (const test of document?.tests ?? []) {
        for (const rawStage of test.stages ?? []) {
          const stage = rawStage.stage ?? rawStage;
          const input = stage.input;
          const output = stage.output;
          const expect = output?.log?.expect_ids ?? output?.expect_ids;
          const noExpect = output?.log?.no_expect_ids ?? output?.no_expect_ids;
          const kind = expect && expect.length > 0 ? "attack" : noExpect && noExpect.length > 0 ? "benign" : undefined;
          if (!input || !kind) continue;
          if (input.encoded_request || input.raw_request) {
            skipped += 1;
            continue;
          }
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(input.headers ?? {})) headers[name] = String(value);
          // go-ftw sends a body without a declared type as a form, which is how CRS's tests expect their ARGS parsed.
          if (input.data !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) headers["Content-Type"] = "application/x-www-form-urlencoded";
          cases.push({
            family: familyOfFolder[number]!,
            ruleId: String(document?.rule_id ?? file.replace(".yaml", "")),
            testId: String(test.test_id ?? ""),
            method: String(input.method ?? "GET"),
            uri: String(input.uri ?? "/"),
            headers,
            body: input.data === undefined ? undefined : String(input.data),
            kind,
          });
        }
      }
    }
  }
  return { cases, skipped };
}
