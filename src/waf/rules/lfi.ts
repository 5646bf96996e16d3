import { attackTargets, type SignatureRule } from "../rule.js";

/** Path traversal and local file inclusion (after CRS REQUEST-930). */
export const localFileInclusionRules: readonly SignatureRule[] = [
  { id: 930010, family: "lfi", paranoia: 1, severity: "critical", targets: [...attackTargets, "path"], field: "text", description: "directory traversal",
    pattern: /(?:^|[\\/;])\.{2,3}(?:[\\/;]|$)|[\\/]\.\.\.*[\\/]|\.\.[\\/]/ },
  { id: 930020, family: "lfi", paranoia: 1, severity: "critical", targets: [...attackTargets, "path"], field: "text", description: "operating system file",
    pattern: /(?:^|[\\/])(?:etc[\\/](?:passwd|shadow|group|hosts|issue|motd|crontab|sudoers|resolv\.conf|hostname|fstab|mtab|profile|bashrc|environment|security|ssh)|proc[\\/](?:self|\d+)[\\/]|dev[\\/](?:tcp|udp|fd|stdin)[\\/]?|var[\\/](?:log|run|lib)[\\/]|root[\\/]|home[\\/][^\\/]+[\\/]\.|usr[\\/]local[\\/]|windows[\\/](?:system32|win\.ini|system\.ini)|winnt[\\/]|boot\.ini|system32[\\/])|\b(?:win|system|boot)\.ini\b|\.(?:htaccess|htpasswd|bash_history|bash_profile|bashrc|ssh[\\/]|git[\\/]|svn[\\/]|aws[\\/]|docker[\\/]|kube[\\/])|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\bweb\.config\b|\bwp-config\.php\b|\bauthorized_keys\b/ },
  { id: 930030, family: "lfi", paranoia: 1, severity: "critical", targets: ["path"], field: "text", description: "restricted file or folder in the URL path",
    pattern: /\/\.(?!well-known\/)[a-z0-9_-]+|\.(?:bak|backup|old|orig|save|swp|sql|sqlite|db|mdb|log|ini|conf|config|cfg|env|pem|key|crt|p12|pfx|jks|war|jar|tar|tgz|gz|zip|7z|rar|asp|aspx|php\d?|phtml|jsp|cgi|pl|sh|bat|cmd|exe|dll)(?:$|[;?~])|~$/ },
  { id: 930040, family: "lfi", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "local resource scheme",
    pattern: /^\s*(?:file|jar|netdoc|gopher|dict|ldap|ldaps|tftp|expect|glob|ogg|rar|ssh2(?:\.\w+)?|zip|compress\.\w+)\s*:/ },
];
