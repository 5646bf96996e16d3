import { attackTargets, type SignatureRule } from "../rule.js";

/**
 * Cross-site scripting (after CRS REQUEST-941). FHIR narrative (`text.div`) is XHTML that FHIR itself forbids to
 * carry scripts, event attributes and active elements (R4 narrative.html#xhtml), so these rules hold there too.
 */
export const xssRules: readonly SignatureRule[] = [
  { id: 941010, family: "xss", paranoia: 1, severity: "critical", targets: [...attackTargets, "path"], field: "text", description: "script element",
    pattern: /<\s*\/?\s*script\b/ },
  { id: 941020, family: "xss", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "event handler attribute",
    pattern: /(?:^|[\s"'`;/0-9=,(<\x0b\x0c])on[a-z]{3,50}[\s\x0b\x0c;,(]*=(?:[^=]|$)/ },
  { id: 941030, family: "xss", paranoia: 1, severity: "critical", targets: [...attackTargets, "path"], field: "text", description: "script URL scheme",
    pattern: /(?:java|vb|live|mocha)\s*s\s*c\s*r\s*i\s*p\s*t\s*:|data\s*:\s*(?:text\/html|image\/svg\+xml|application\/x?html)/ },
  { id: 941040, family: "xss", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "active or frame element",
    pattern: /<\s*(?:iframe|frame|frameset|object|embed|applet|svg|math|base|meta|link|style|form|isindex|marquee|xss|bgsound|layer|ilayer|xml|import|template|portal|audio|video|source|details|dialog|keygen|textarea|select|input|button)\b/ },
  { id: 941050, family: "xss", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "script sinks and DOM access (comments removed, as in `document /**/ . cookie`)",
    pattern: /document\s*\.\s*(?:cookie|domain|write|location|body|createelement|getelementby\w+|forms|images)\b|\b(?:atob|btoa)\s*\(|\breflect\s*\.\s*(?:apply|construct)\b|\.\s*call\s*`|\(\s*!\s*\[\s*\]\s*\+\s*\[\s*\]\s*\)|\[\s*\+\s*!\s*\+\s*\[\s*\]\s*\]|window\s*\.\s*(?:location|open|name)\b|\bstring\s*\.\s*fromcharcode\b|\b(?:alert|prompt|confirm|eval|settimeout|setinterval)\s*(?:\(|`)|\btop\s*\[|\.innerhtml\b|\bself\s*\[/ },
  { id: 941055, family: "xss", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "namespaced script elements, XML namespaces and XInclude, UTF-7 angle brackets (after CRS 941130, 941160, 941350)",
    pattern: /<\s{0,16}[a-z0-9]{1,64}\s{0,16}:\s{0,16}(?:script|vmlframe|frame|iframe|include|svg|html|a\b)|<[a-z:]{1,64}[^>]{0,512}\bxmlns:(?:xi|xsi|xlink|x)\s*=|\bxi:include\b|\+adw-|\+ad4-|<\s*f\s+o\s+r\s+m\b|<\s*s\s+c\s+r\s+i\s+p\s+t\b/ },
  { id: 941060, family: "xss", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "CSS expressions and bindings",
    pattern: /style\s*=[^>]*(?:expression\s*\(|url\s*\(\s*['"]?\s*javascript)|-moz-binding|behaviou?r\s*:\s*url|@import\b/ },
  { id: 941070, family: "xss", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "template injection in client frameworks",
    pattern: /\{\{[^}]*(?:constructor|\$on|\$eval|\$emit|tostring|charat|fromcharcode)/ },
  { id: 941080, family: "xss", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "XML entity or document type declaration (XXE)",
    pattern: /<!(?:entity|doctype|\[cdata\[)|<\?xml\b|<\s*img\b[^>]*\bsrc\s*=\s*['"]?\s*(?:x|\/\/|javascript)\b[^>]*\bon[a-z]+\s*=/ },
  { id: 941090, family: "xss", paranoia: 2, severity: "critical", targets: attackTargets, field: "text", description: "HTML tag with an attribute outside a narrative",
    pattern: /<\s{0,16}(?:img|a|body|input|div|span|p|table|td|b|i|u)\b[^>]{0,512}\b(?:src|href|background|dynsrc|lowsrc|formaction|action|srcdoc|xlink:href)\s*=\s*['"]?\s*(?:javascript|vbscript|data|&#|\\u|%)/, excludeLocations: /^body:(?:.*\.)?text\.div$/ },
  { id: 941100, family: "xss", paranoia: 2, severity: "critical", targets: attackTargets, field: "text", description: "tag opened in a parameter",
    pattern: /<[a-z!/?][^<>]{0,200}(?:>|$)/, 
    // FHIR markdown, mappings and narrative carry angle brackets (`ivl<ts>`); JSON bodies rely on 941010–941080.
    excludeLocations: /^body:/ },
];
