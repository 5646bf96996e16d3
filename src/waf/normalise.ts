/**
 * The transformations applied to every inspected value before matching, after OWASP CRS (t:urlDecodeUni,
 * t:htmlEntityDecode, t:lowercase, t:replaceComments, t:compressWhitespace). An attacker who hides a payload behind
 * double URL encoding, HTML entities, full-width Unicode forms or SQL comments meets the same rule as the plain one.
 */
export interface NormalisedValue {
  /** Decoded (URL, entities, NFKC), lower-cased. */
  text: string;
  /** `text` with SQL comments replaced by a space and whitespace runs compressed. */
  sql: string;
  /** True when decoding met a malformed escape (`%zz`, `%u12`, invalid UTF-8), itself a protocol-attack signal. */
  hasInvalidEncoding: boolean;
}

const maxDecodeRounds = 3;

/** Decodes and folds a value for matching; the caller keeps the raw value only to hash it. */
export function normalise(raw: string, options: { isFormEncoded: boolean }): NormalisedValue {
  let text = raw;
  let hasInvalidEncoding = false;
  for (let round = 0; round < maxDecodeRounds; round += 1) {
    // `+` means space only in the form encoding itself, not in what a second decoding round uncovers.
    const decoded = urlDecode(text, options.isFormEncoded && round === 0);
    if (decoded.invalid) hasInvalidEncoding = true;
    const unescaped = decodeHtmlEntities(decoded.text);
    if (unescaped === text) break;
    text = unescaped;
  }
  // NFKC folds full-width forms (ＳＥＬＥＣＴ, ＜script＞) and compatibility characters to ASCII.
  text = text.normalize("NFKC").toLowerCase().replace(/\u0000/g, "");
  const sql = text
    .replace(/\/\*!?\d*|\*\//g, " ")
    .replace(/(?:--|#)[^\n]*$/gm, (match) => ` ${match.slice(0, 2)} `)
    .replace(/\s+/g, " ");
  return { text, sql, hasInvalidEncoding };
}

/**
 * URL decoding that also understands `%uXXXX` (IIS) and, in form-encoded values, `+`; reports malformed escapes
 * instead of throwing. JSON strings keep their `+` (base64 attachments, phone numbers).
 */
function urlDecode(value: string, isFormEncoded: boolean): { text: string; invalid: boolean } {
  if (!value.includes("%") && !(isFormEncoded && value.includes("+"))) return { text: value, invalid: false };
  let invalid = false;
  const withUnicode = value.replace(/%u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (/%u/i.test(withUnicode.replace(/%u[0-9a-f]{4}/gi, ""))) invalid = true;
  const bytes: number[] = [];
  for (let i = 0; i < withUnicode.length; i += 1) {
    const ch = withUnicode[i]!;
    if (ch === "%" && /^[0-9a-fA-F]{2}$/.test(withUnicode.slice(i + 1, i + 3))) {
      bytes.push(parseInt(withUnicode.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === "%") {
      invalid = true;
      bytes.push(0x25);
    } else if (ch === "+" && isFormEncoded) {
      bytes.push(0x20);
    } else {
      for (const byte of Buffer.from(ch, "utf8")) bytes.push(byte);
    }
  }
  const buffer = Buffer.from(bytes);
  const text = buffer.toString("utf8");
  if (text.includes("\uFFFD") && !value.includes("\uFFFD")) invalid = true;
  return { text, invalid };
}

const namedEntities: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: " ", sol: "/", bsol: "\\", colon: ":", lpar: "(", rpar: ")", semi: ";", equals: "=", tab: "\t", newline: "\n", grave: "`", num: "#", percnt: "%", excl: "!", quest: "?", period: "." };

function decodeHtmlEntities(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|([a-z]{2,8}));?/gi, (match, hex?: string, dec?: string, name?: string) => {
    const code = hex ? parseInt(hex, 16) : dec ? parseInt(dec, 10) : undefined;
    if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : match;
    return namedEntities[name!.toLowerCase()] ?? match;
  });
}
