// The EICAR anti-malware test file (https://www.eicar.org/download-anti-malware-testfile/), assembled from parts so
// that no file of this repository contains it whole and trips a scanner.
const eicarParts = ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-TEST-FILE!$H+H*"];

/** The EICAR test string, for tests and the built-in check. */
export function eicarTestString(): string {
  return eicarParts.join("");
}

const eicar = Buffer.from(eicarTestString(), "latin1");

/** True when the bytes carry the EICAR test string: refused with or without ClamAV, so the path is testable. */
export function containsEicar(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(eicar);
}
