/** Attack families, named and numbered after the OWASP CRS rule files they are modelled on. */
export type Family = "method" | "protocol" | "protocol-attack" | "lfi" | "rfi" | "rce" | "php" | "generic" | "xss" | "sqli" | "java";

export type ParanoiaLevel = 1 | 2 | 3 | 4;

/** OWASP CRS anomaly scores by severity. */
export const severityScore = { critical: 5, error: 4, warning: 3, notice: 2 } as const;
export type Severity = keyof typeof severityScore;

/**
 * Where a rule looks: `arg` = query and body values, `arg-name` = their names (JSON keys), `cookie` = cookie values,
 * `ua-referer` = the User-Agent and Referer headers, `header` = every header value, `path` = the decoded URL path.
 */
export type Target = "arg" | "arg-name" | "cookie" | "ua-referer" | "header" | "path";

/** One signature: a pattern over a normalised value (see normalise.ts), with its CRS-style id and weight. */
export interface SignatureRule {
  id: number;
  family: Family;
  paranoia: ParanoiaLevel;
  severity: Severity;
  description: string;
  targets: readonly Target[];
  /** `sql` matches the comment-stripped, whitespace-compressed form; `text` the decoded, lower-cased form. */
  field: "text" | "sql";
  pattern: RegExp;
  /** Locations this rule skips, a CRS-style rule exclusion (e.g. FHIR narrative XHTML for the tag rule). */
  excludeLocations?: RegExp;
}

/** The default places attack signatures look, as CRS does for ARGS, ARGS_NAMES, REQUEST_COOKIES, User-Agent and Referer. */
export const attackTargets: readonly Target[] = ["arg", "arg-name", "cookie", "ua-referer"];
