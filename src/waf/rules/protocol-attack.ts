import type { SignatureRule } from "../rule.js";

/** HTTP protocol attacks carried inside values (after CRS REQUEST-921): smuggling, response splitting, header injection. */
export const protocolAttackRules: readonly SignatureRule[] = [
  { id: 921010, family: "protocol-attack", paranoia: 1, severity: "critical", targets: ["arg", "arg-name", "cookie", "header"], field: "text", description: "HTTP request smuggled inside a value",
    pattern: /(?:get|post|put|delete|head|options|connect|trace|patch|propfind)\s+[^\s]+\s+http\/\d(?:\.\d)?/ },
  { id: 921020, family: "protocol-attack", paranoia: 1, severity: "critical", targets: ["arg", "arg-name", "cookie", "header", "path"], field: "text", description: "HTTP response splitting or header injection (CR/LF followed by a header or status line)",
    pattern: /[\r\n]\s{0,32}(?:content-(?:type|length)|set-cookie|location|refresh|transfer-encoding|host|x-[a-z-]{1,64}|http\/\d|<html|<meta|[a-z-]{2,40}\s{0,32}:)/, excludeLocations: /^body:/ },
  { id: 921030, family: "protocol-attack", paranoia: 1, severity: "critical", targets: ["arg-name", "path"], field: "text", description: "CR or LF in a parameter name or the path",
    pattern: /[\r\n]/ },
  { id: 921040, family: "protocol-attack", paranoia: 2, severity: "critical", targets: ["arg", "cookie"], field: "text", description: "CR or LF in a URL parameter",
    pattern: /[\r\n]/, excludeLocations: /^body:/ },
];
