import { attackTargets, type SignatureRule } from "../rule.js";

/** Generic attacks on JavaScript servers (after CRS REQUEST-934): Node.js code, prototype pollution, template injection. */
export const genericAttackRules: readonly SignatureRule[] = [
  { id: 934010, family: "generic", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Node.js code injection",
    pattern: /\brequire\s*\(\s*['"`](?:child_process|fs|net|os|vm|http|https)['"`]\s*\)|\bprocess\s*\.\s*(?:mainmodule|binding|kill|exit|dlopen|env\b)|\bchild_process\b|\.constructor\s*\(\s*['"`]return|\bglobal\s*\.\s*process\b|\bnew\s+function\s*\(|\beval\s*\(\s*(?:atob|buffer)|_\$\$nd_func\$\$_|\bprocess\s*\[\s*['"`]?mainmodule|\bconsole\s*\[\s*['"`]|\bprocess\s*\.\s*spawn\s*\(|:constructor:constructor/ },
  { id: 934020, family: "generic", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "prototype pollution",
    pattern: /(?:^|[.[\s'"])__proto__(?:$|[.[\]\s'"])|\bconstructor\s*(?:\.|\[\s*['"])\s*prototype\b|\[\s*['"]__proto__['"]\s*\]/ },
  { id: 934030, family: "generic", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "server-side template injection",
    pattern: /\{\{[^}]{0,256}(?:__class__|__globals__|__builtins__|__subclasses__|__import__|config\.items|self\._|request\.application|lipsum|cycler|joiner|namespace)[^}]{0,256}\}\}|\{%[^%]{0,256}(?:import|include|exec|system)[^%]{0,256}%\}|<%=?[^%]{0,256}(?:runtime|process|system|exec|require)[^%]{0,256}%>|\$\{[^}]{0,256}(?:runtime|process|freemarker|exec)[^}]{0,256}\}|#\{[^}]{0,256}(?:runtime|process|exec|system)[^}]{0,256}\}/ },
  { id: 934040, family: "generic", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Python or Ruby code injection",
    pattern: /\b__import__\s*\(|\bos\.(?:system|popen|exec\w*|spawn\w*)\s*\(|\bsubprocess\.(?:call|run|popen|check_output)\b|\bkernel\.(?:exec|system|spawn)\b|\bio\.popen\b|\bopen3\b|\bobject\.__subclasses__|\bpickle\.loads\b/ },
  { id: 934050, family: "generic", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "endless loop for denial of service in evaluated code (after CRS 934160)",
    pattern: /\bwhile\s*\(\s*(?:!|true\b|\+?1\s*\)|!!)|\bfor\s*\(\s*;\s*;\s*\)/ },
  { id: 934060, family: "generic", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Perl and ERB/ASP template code (after CRS 934140, 934180)",
    pattern: /@\{\s*\[[\s\S]*\]\s*\}|<%[=\s-][\s\S]*?%>/,
    excludeLocations: /^body:/ },
];
