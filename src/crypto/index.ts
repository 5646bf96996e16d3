export { createKeyring, type Keyring } from "./keyring.js";
export { openLocalKeyFile } from "./local-key-file.js";
export type { KmsProvider } from "./kms.js";
export type { DataKeyPurpose } from "./store.js";
