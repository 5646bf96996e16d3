import { attackTargets, type SignatureRule } from "../rule.js";

// Command names that are not also everyday English words: safe to look for after a separator even in clinical prose.
const unixCommands = String.raw`(?:cat|tac|ls|whoami|uname|hostname|ifconfig|netstat|printenv|wget|curl|lwp-download|nc|ncat|netcat|socat|telnet|ssh|scp|ftp|tftp|bash|sh|zsh|ksh|csh|tcsh|busybox|python[23]?|perl|ruby|php|lua|gawk|xargs|chmod|chown|chgrp|nslookup|traceroute|passwd|sudo|pkill|killall|crontab|base64|xxd|systemctl|useradd|usermod|nohup|uptime|flock|ansible-playbook|gcc|c89|c99|openssl|mysql|psql|sqlite3|nmap|tcpdump|mkfifo|ip\s+a)`;
/** Command names that are also English words ("last", "time", "node"): only outside JSON bodies, or with a flag or path. */
const wordCommands = String.raw`(?:id|time|last|set|find|host|who|w|echo|env|kill|more|less|head|tail|sleep|fetch|ping|service|timeout|expr|eval|exec|printf|touch|rm|mv|cp|ps|dir|nl|sed|awk|od|strings|su|node|dash|date|make|tar|zip|unzip|git|docker|perf|file|mail|watch|top|free|df|du|diff|sort|uniq|cut|tr|tee|source|grep|egrep|wc|ln|mkdir|rmdir|pwd|cd|export|alias|compgen|dd)`;

/** OS command injection (after CRS REQUEST-932). */
export const commandInjectionRules: readonly SignatureRule[] = [
  { id: 932010, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Unix command after a command separator",
    pattern: new RegExp(String.raw`(?:[;\x60|&]|\$\(|\$\{|&&|\|\|)\s*(?:(?:sudo|env|nohup|busybox|timeout\s+\d+)\s+)?(?:['"\\]?/?(?:usr/)?(?:local/)?s?bin/)?['"\\]?${unixCommands}['"\\]?(?:\s|$|[;&|<>\x60)]|\$\{?ifs)`) },
  { id: 932012, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Unix command that is also a word, after a command separator",
    pattern: new RegExp(String.raw`(?:[;\x60|&]|\$\(|&&|\|\|)\s*(?:(?:sudo|env|nohup|busybox)\s+)?(?:/?(?:usr/)?(?:local/)?s?bin/)?['"\\]?${wordCommands}['"\\]?(?:\s|$|[;&|<>\x60)])`), excludeLocations: /^body:/ },
  { id: 932013, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Unix command that is also a word, after a separator and with an option or a path",
    pattern: new RegExp(String.raw`(?:[;\x60|&]|\$\(|&&|\|\|)\s*(?:/?(?:usr/)?s?bin/)?${wordCommands}\s+(?:-{1,2}[a-z]|/[a-z.])`) },
  { id: 932015, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Unix command after a line break",
    // Line breaks separate paragraphs in FHIR JSON text, so this one is for URL, form and cookie values only.
    pattern: new RegExp(String.raw`[\n\r]\s{0,32}(?:/?(?:usr/)?s?bin/)?(?:${unixCommands}|${wordCommands})(?:\s{1,32}-{1,2}[a-z]|\s{1,32}/|\s{0,32}[;|&]|\s{0,32}$)`), excludeLocations: /^body:/ },
  { id: 932016, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Windows FOR and IF batch constructs (after CRS 932140)",
    pattern: /\bfor(?:\s*\/[dflr][^%]*)?\s+%+[^\s]+\s+in\s*\(.*\)\s*do\b|\bif(?:\s*\/i)?(?:\s+not)?(?:\s+(?:exist\b|defined\b|errorlevel\s+\d+|cmdextversion\s+\d+)|\s+\S+\s*==\s*\S+|\s+"?\S+"?\s+(?:equ|neq|lss|leq|gtr|geq)\s+)/, excludeLocations: /^body:/ },
  { id: 932020, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "shell expansion tricks",
    pattern: /\$\{?ifs\b|\$\(\s{0,32}[a-z/]|`\s{0,32}(?:\/?(?:usr\/)?s?bin\/)?(?:cat|ls|id|whoami|uname|wget|curl|nc|bash|sh|python[23]?|perl|ping|nslookup|echo|sleep|rm|chmod|ps|env|hostname|ifconfig)\b[^`]{0,256}`|\$\{[^}]{0,256}(?:[#%:]|\/\/)[^}]{0,256}\}|\b(?:[a-z]\\[a-z]|[a-z]''[a-z]|[a-z]""[a-z])[a-z\\'"]{0,64}\s|\?\?\?[/]|\/\?\?\?\// },
  { id: 932030, family: "rce", paranoia: 1, severity: "critical", targets: ["arg", "arg-name", "cookie", "header"], field: "text", description: "Shellshock function definition (CVE-2014-6271)",
    pattern: /\(\s*\)\s*\{[^}]*;\s*\}\s*;?/ },
  { id: 932040, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "Windows command injection",
    pattern: /(?:^|[;&|\n`]|\$\()\s{0,32}(?:cmd(?:\.exe)?\s*\/[ck]|powershell(?:\.exe)?\b|pwsh\b|net(?:\.exe)?\s+(?:user|localgroup|view|use)\b|ipconfig|systeminfo|tasklist|taskkill|certutil|bitsadmin|wmic|mshta|rundll32|regsvr32|cscript|wscript|reg(?:\.exe)?\s+(?:add|query|delete)|type\s+[a-z]:\\|dir\s+[a-z]:\\|copy\s+\\\\|whoami(?:\.exe)?|start\s+\w+\.exe)/ },
  { id: 932050, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "shell or interpreter by path, or reverse shell",
    pattern: /\/(?:usr\/)?(?:local\/)?s?bin\/(?:ba|z|k|c|tc|da|fi)?sh\b|\/bin\/(?:busybox|nc|netcat|python|perl|ruby|php|curl|wget)\b|\/dev\/(?:tcp|udp)\/|\bnc\s+(?:-[a-z]+\s+)*[\w.]+\s+\d+|\bbash\s+-[ic]\b|\bsh\s+-c\b|\bmkfifo\b|\bchmod\s+[+0-7]/ },
  { id: 932060, family: "rce", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "command substitution or redirection to a file",
    pattern: /(?:^|[\s;&|])(?:cat|ls|wget|curl|echo|id|whoami|uname|nc|ping|nslookup)\s+[^\n]*(?:>>?\s*\/(?:tmp|dev|etc|var|home|root|usr|bin|proc)\b|<\s*\/(?:etc|proc|dev)\b|\|\s*(?:sh|bash|nc)\b)|(?:^|\s)(?:wget|curl)\s+(?:-[a-z]+\s+)*(?:https?|ftp):\/\// },
  { id: 932100, family: "rce", paranoia: 2, severity: "critical", targets: ["arg", "cookie", "ua-referer"], field: "text", description: "Unix command at the start of a value",
    pattern: new RegExp(String.raw`^\s*(?:/?(?:usr/)?s?bin/)?(?:cat|ls|id|whoami|uname|wget|curl|nc|ncat|netcat|bash|sh|zsh|python[23]?|perl|ruby|ping|nslookup|chmod|rm|echo|printenv|sleep)(?:\s+-{1,2}[a-z]|\s+/|\s*[;|&])`) },
  { id: 932110, family: "rce", paranoia: 2, severity: "critical", targets: attackTargets, field: "text", description: "pipe or separator with a command name",
    pattern: new RegExp(String.raw`[;|&]\s*${unixCommands}(?:\s|$)`) },
];
