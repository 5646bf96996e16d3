import { attackTargets, type SignatureRule } from "../rule.js";

/** PHP injection (after CRS REQUEST-933); cheap to check although Mamori runs no PHP, since scanners probe for it. */
export const phpInjectionRules: readonly SignatureRule[] = [
  { id: 933010, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP open tag",
    pattern: /<\?(?:php\b|=|\s)|\[\?php\b/ },
  { id: 933020, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP stream wrapper",
    pattern: /\b(?:php|phar|zlib|glob|expect|data|rar|ogg|ssh2\.\w+|zip|compress\.(?:zlib|bzip2))\s*:\/\//},
  { id: 933030, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP function call used in code injection",
    pattern: /\b(?:shell_exec|passthru|proc_open|popen|pcntl_exec|phpinfo|base64_decode|gzinflate|gzuncompress|str_rot13|create_function|call_user_func(?:_array)?|preg_replace|file_get_contents|file_put_contents|fopen|fwrite|fputs|readfile|highlight_file|show_source|move_uploaded_file|unserialize|var_dump|print_r|array_map|assert_options|ini_set|putenv|getenv|mail|chr|posix_\w+|escapeshellcmd)\s*\(|\b(?:system|exec|assert|include|require|include_once|require_once|eval)\s*\(\s*['"$]/ },
  { id: 933040, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP serialised object",
    pattern: /(?:^|[;{])\s*[oc]:\d+:"[a-z_\\][\w\\]*":\d+:\{/ },
  { id: 933050, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP superglobal or variable function",
    pattern: /\$_(?:get|post|cookie|request|server|env|files|session|globals)\b|\$globals\b|\$\w+\s*\(\s*\$?\w*\s*\)\s*;|\$\{\s*['"]?\w+['"]?\s*\}\s*\(/ },
  { id: 933060, family: "php", paranoia: 1, severity: "critical", targets: ["path"], field: "text", description: "request for a PHP script",
    pattern: /\.(?:php\d?|phtml|phar|inc)(?:$|\/)/ },
  { id: 933100, family: "php", paranoia: 2, severity: "critical", targets: attackTargets, field: "text", description: "PHP function name followed by a bracket",
    pattern: /\b(?:system|exec|assert|include|require|eval|print|echo|die|exit|header|unlink|rmdir|copy|rename|symlink|chmod|readfile|file|fopen)\s*\(\s*(?:['"$]|\w+\s*\()/ },
];
