import { readFile } from "node:fs/promises";
import type { Config } from "../config/index.js";
import { openAwsKms } from "./aws-kms.js";
import type { KmsProvider } from "./kms.js";
import { openLocalKeyFile } from "./local-key-file.js";
import { openPassphraseKms } from "./passphrase-kms.js";

/**
 * The configured KMS provider (MAMORI_KMS): the local key file by default, or a passphrase-derived key.
 * @throws {Error} when the provider cannot be opened (key file too open, wrong passphrase…).
 */
export async function openKms(config: Pick<Config, "masterKeyFile" | "kms">): Promise<KmsProvider> {
  if (config.kms.kind === "aws" && config.kms.aws) return openAwsKms(config.kms.aws);
  if (config.kms.kind === "passphrase") {
    const passphrase = (await readFile(config.kms.passphraseFile!, "utf8")).replace(/\r?\n$/, "");
    return openPassphraseKms({ passphrase, paramsFile: config.kms.paramsFile });
  }
  return openLocalKeyFile(config.masterKeyFile);
}
