import type { SignatureRule } from "../rule.js";

const ipv4Host = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;

/**
 * OAuth redirect URIs are compared exactly with the client's registered ones (RFC 6749 §3.1.2.3), and native apps
 * register loopback addresses (RFC 8252 §7.3), so they are not SSRF targets — neither in the protocol's parameters
 * nor where an administrator registers them (the OAuth client API's JSON body). The SMART `aud` is compared exactly
 * with this server's own FHIR base URL, which on an intranet is an internal address, and is never fetched either.
 */
const redirectParameters = String.raw`(?:(?:query|form):(?:redirect_uri|post_logout_redirect_uri|aud)$|body:(?:redirectUris|postLogoutRedirectUris)\[\d+\]$)`;

/**
 * Remote file inclusion and server-side request forgery (after CRS REQUEST-931 and 934 SSRF): URL-valued
 * parameters naming an IP address, an internal host or a cloud metadata endpoint.
 */
export const remoteFileInclusionRules: readonly SignatureRule[] = [
  { id: 931010, family: "rfi", paranoia: 1, severity: "critical", targets: ["arg"], field: "text", description: "URL to an IP address",
    excludeLocations: new RegExp(`^${redirectParameters}`),
    pattern: new RegExp(String.raw`^\s*(?:https?|ftps?|file|gopher|dict|ldap|tftp)://(?:[^/@\s]*@)?(?:${ipv4Host}|\[[0-9a-f:.]+\]|\d{8,10}|0x[0-9a-f]{8})(?::\d+)?(?:[/?#]|$)`) },
  { id: 931020, family: "rfi", paranoia: 1, severity: "critical", targets: ["arg", "cookie", "ua-referer"], field: "text", description: "internal address or cloud metadata endpoint in a URL parameter",
    // FHIR resources legitimately name local servers (Bundle.entry.fullUrl, Endpoint.address) and Mamori fetches no
    // URL from a JSON body, so there only the cloud metadata endpoints (931025) count.
    excludeLocations: new RegExp(`^(?:body:|${redirectParameters})`),
    pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}:\/\/(?:[^/@\s]*@)?(?:169\.254\.\d+\.\d+|metadata\.google\.internal|metadata\.goog|metadata\.azure\.com|100\.100\.100\.200|instance-data|fd00:ec2::254|\[?fd00:ec2::254|localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|0+(?::|\/|$)|\[(?:0*:)*:?0*1?\]|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(?:1[6-9]|2\d|3[01])\.\d+\.\d+|2130706433|0x7f[0-9a-f.]*|017700000001|[^/\s]*\.(?:internal|local|localdomain|nip\.io|xip\.io|sslip\.io))(?::\d+)?(?:[/?#]|$)/ },
  { id: 931025, family: "rfi", paranoia: 1, severity: "critical", targets: ["arg"], field: "text", description: "cloud metadata endpoint in a URL",
    pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}:\/\/(?:[^/@\s]*@)?(?:169\.254\.169\.254|metadata\.google\.internal|metadata\.goog|metadata\.azure\.com|100\.100\.100\.200|\[?fd00:ec2::254\]?|instance-data)(?::\d+)?(?:[/?#]|$)/ },
  { id: 931028, family: "rfi", paranoia: 1, severity: "critical", targets: ["arg"], field: "text", description: "obfuscated internal address in a URL parameter: integer, octal or IPv4-mapped forms, escaped names, loopback aliases (after CRS 934110–934190)",
    pattern: /^\s*[a-z][a-z0-9+.-]{0,30}:(?:\/\/?)?(?:[^/@\s]*@)?(?:\d{8,10}|0x[0-9a-f]{8}|0\d{1,4}\.[0-9x.]+|\[[0:]*:ffff:[^\]]+\]|(?:\\?[a-z]){0,2}\\l\\?o\\?c\\?a\\?l|127\.\d+\.\d+\.\d+|localhost)|^\s*(?:localhost\d*(?:\.localdomain\d*)?|[\w.-]+\.(?:internal|localhost)|lvh\.me|127\.\d+\.\d+\.\d+|169\.254\.\d+\.\d+)(?:[:/]|$)/,
    excludeLocations: new RegExp(`^(?:body:|${redirectParameters})`) },
  { id: 931030, family: "rfi", paranoia: 1, severity: "critical", targets: ["arg"], field: "text", description: "remote URL ending in a question mark (include trick)",
    pattern: /^\s*(?:ftps?|https?):\/\/[^\s]*\?+\s*$/ },
  { id: 931040, family: "rfi", paranoia: 1, severity: "critical", targets: ["arg"], field: "text", description: "remote include through a PHP include function",
    pattern: /\b(?:include|require)(?:_once)?\s*[\s(]\s*['"]?\s*(?:ftps?|https?|php|data):/ },
  { id: 931050, family: "rfi", paranoia: 2, severity: "critical", targets: ["arg"], field: "text", description: "remote URL with a script or text file",
    pattern: /^\s*(?:ftps?|https?):\/\/[^\s?#]+\.(?:txt|php\d?|phtml|asp|aspx|jsp|sh|pl|py|cgi|inc)(?:[?#]|$)/, excludeLocations: /^body:/ },
];
