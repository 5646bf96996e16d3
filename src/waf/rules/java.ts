import { attackTargets, type SignatureRule } from "../rule.js";

/** Java injection (after CRS REQUEST-944): Log4Shell lookups, deserialisation gadgets, OGNL and Spring expressions. */
export const javaInjectionRules: readonly SignatureRule[] = [
  { id: 944010, family: "java", paranoia: 1, severity: "critical", targets: ["arg", "arg-name", "cookie", "header"], field: "text", description: "Log4j lookup (CVE-2021-44228)",
    pattern: /\$\{[^}]*(?:jndi|\$\{|lower:|upper:|env:|sys:|java:|ctx:|date:|main:|base64:|::-|k8s:|docker:|bundle:|spring:|web:|log4j:|event:|marker:|map:|sd:)/ },
  { id: 944020, family: "java", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Java runtime and process execution",
    pattern: /java\.lang\.(?:runtime|processbuilder|system|class|reflect|thread)\b|\.getruntime\s*\(|processbuilder\s*\(|\.exec\s*\(\s*['"]|\bclass\.forname\s*\(|javax\.script\.scriptenginemanager|\bnew\s+java\.|java\.io\.(?:file|bufferedreader|inputstreamreader)\b|java\.net\.(?:url|socket)\b|\.getclass\s*\(\s*\)\s*\.|\bt\s*\(\s*java\.lang/ },
  { id: 944025, family: "java", paranoia: 1, severity: "critical", targets: ["arg", "arg-name", "cookie", "header"], field: "text", description: "Java class names used in exploits (after CRS 944130)",
    pattern: /\b(?:java\.(?:io|lang|beans|net|nio|rmi|util\.zip)\.[a-z]+|javax\.(?:script|naming|management|el)\.|com\.opensymphony\.xwork2|com\.sun\.org\.apache|org\.apache\.(?:commons|struts2?|xalan|velocity|tomcat)\b|org\.omg\.corba|java\.beans\.xmldecode)/ },
  { id: 944028, family: "java", paranoia: 1, severity: "critical", targets: ["arg", "arg-name", "cookie", "header"], field: "text", description: "deserialisation gadget chain keywords (after CRS 944120, 944240)",
    pattern: /(?:runtime|processbuilder)[\s\S]{0,200}?(?:clonetransformer|forclosure|instantiatefactory|instantiatetransformer|invokertransformer|prototypeclonefactory|prototypeserializationfactory|whileclosure|getproperty|filewriter|xmldecoder)|(?:clonetransformer|forclosure|instantiatefactory|instantiatetransformer|invokertransformer|prototypeclonefactory|prototypeserializationfactory|whileclosure|getproperty|filewriter|xmldecoder)[\s\S]{0,200}?(?:runtime|processbuilder)/ },
  { id: 944030, family: "java", paranoia: 1, severity: "critical", targets: ["arg", "arg-name", "cookie", "header"], field: "text", description: "Java serialised object",
    pattern: /\xac\xed\x00\x05|\baced0005|(?:^|[^a-z0-9+/])ro0ab|\bh4siaaaaaaaaa/ },
  { id: 944040, family: "java", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "OGNL, Spring and EL expression injection",
    pattern: /#_memberaccess|@ognl|ognlcontext|@java\.lang|#context\[|#request\[|#application\[|\bclass\.module\.classloader|\bclass\.classloader|\.classloader\.|\bxwork\.|com\.opensymphony|%\{[^}]{0,256}(?:#|@|new\s|\()|\$\{[^}]{0,256}(?:#|@|new\s|\(|\.class\b)[^}]{0,256}\}|\bt\s*\(\s*java\./ },
  { id: 944050, family: "java", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "deserialisation gadget class names",
    pattern: /\b(?:org\.apache\.commons\.collections|com\.sun\.org\.apache\.xalan|org\.springframework\.beans\.factory|com\.mchange\.v2\.c3p0|org\.apache\.xbean|bsh\.interpreter|javax\.management|com\.sun\.rowset\.jdbcrowsetimpl|org\.codehaus\.groovy\.runtime|java\.util\.prioritygueue|sun\.rmi|ysoserial)/ },
  { id: 944100, family: "java", paranoia: 2, severity: "critical", targets: attackTargets, field: "text", description: "Java class names",
    pattern: /\b(?:java|javax|sun|com\.sun|org\.apache|org\.springframework)\.[a-z_]+\.[a-z_]+/ },
];
