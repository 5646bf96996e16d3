import path from "node:path";
import { z } from "zod";
import { environmentSchema } from "./schema.js";

/** The settings every module is given; built once from the environment and frozen. */
export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  host: string;
  port: number;
  publicUrl: URL;
  tls: { certFile: string; keyFile: string } | undefined;
  masterKeyFile: string;
  session: { idleMs: number; absoluteMs: number; signInStepMs: number };
  setupLinkMs: number;
  invitationMs: number;
  password: { minLength: number; argon2MemoryKiB: number; argon2Iterations: number };
  audit: { batchWindowMs: number };
  logLevel: string;
}

/** Thrown when the environment does not satisfy the schema; the message names every bad setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads and validates the settings.
 * @throws {ConfigError} naming each invalid or missing setting.
 */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const relevant = Object.fromEntries(
    Object.keys(environmentSchema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]),
  );
  const parsed = environmentSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const e = parsed.data;
  if (Boolean(e.MAMORI_TLS_CERT_FILE) !== Boolean(e.MAMORI_TLS_KEY_FILE)) {
    throw new ConfigError(["MAMORI_TLS_CERT_FILE and MAMORI_TLS_KEY_FILE must be set together"]);
  }
  const dataDir = path.resolve(e.MAMORI_DATA_DIR);
  const config: Config = {
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.MAMORI_DATABASE_POOL_SIZE,
    host: e.MAMORI_HOST,
    port: e.MAMORI_PORT,
    publicUrl: new URL(e.MAMORI_PUBLIC_URL ?? `https://localhost:${e.MAMORI_PORT}`),
    tls: e.MAMORI_TLS_CERT_FILE && e.MAMORI_TLS_KEY_FILE ? { certFile: e.MAMORI_TLS_CERT_FILE, keyFile: e.MAMORI_TLS_KEY_FILE } : undefined,
    masterKeyFile: path.resolve(e.MAMORI_MASTER_KEY_FILE ?? path.join(dataDir, "master.key")),
    session: {
      idleMs: e.MAMORI_SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.MAMORI_SESSION_ABSOLUTE_HOURS * 3_600_000,
      signInStepMs: e.MAMORI_SIGN_IN_STEP_MINUTES * 60_000,
    },
    setupLinkMs: e.MAMORI_SETUP_LINK_MINUTES * 60_000,
    invitationMs: e.MAMORI_INVITATION_HOURS * 3_600_000,
    password: {
      minLength: e.MAMORI_PASSWORD_MIN_LENGTH,
      argon2MemoryKiB: e.MAMORI_ARGON2_MEMORY_KIB,
      argon2Iterations: e.MAMORI_ARGON2_ITERATIONS,
    },
    audit: { batchWindowMs: e.MAMORI_AUDIT_BATCH_WINDOW_MS },
    logLevel: e.MAMORI_LOG_LEVEL,
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === "object" && !(child instanceof URL)) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/** Markdown documentation of every setting, generated from the schema. */
export function renderConfigurationDoc(): string {
  const rows = Object.entries(environmentSchema.shape).map(([name, schema]) => {
    const json = z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" }) as { default?: unknown };
    const fallback = json.default === undefined ? "—" : `\`${String(json.default)}\``;
    return `| \`${name}\` | ${fallback} | ${(schema as z.ZodType).description ?? ""} |`;
  });
  return [
    "# Configuration",
    "",
    "Generated from `src/config/schema.ts` by `npm run docs`; do not edit by hand.",
    "Every setting is an environment variable. Invalid values stop start-up with a message naming each one.",
    "",
    "| variable | default | meaning |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
