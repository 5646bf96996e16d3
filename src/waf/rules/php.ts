import { attackTargets, type SignatureRule } from "../rule.js";

/** PHP injection (after CRS REQUEST-933); cheap to check although Mamori runs no PHP, since scanners probe for it. */
export const phpInjectionRules: readonly SignatureRule[] = [
  { id: 933010, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP open tag",
    pattern: /<\?(?:php\b|=|\s)|\[\?php\b|[[{]\/?php[\]}]/ },
  { id: 933020, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP stream wrapper",
    pattern: /\b(?:php|phar|zlib|glob|expect|data|rar|ogg|ssh2\.\w+|zip|compress\.(?:zlib|bzip2))\s*:\/\//},
  { id: 933030, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP function call used in code injection",
    pattern: /\b(?:shell_exec|passthru|proc_open|popen|pcntl_exec|phpinfo|base64_decode|gzinflate|gzuncompress|str_rot13|create_function|call_user_func(?:_array)?|preg_replace|file_get_contents|file_put_contents|fopen|fwrite|fputs|readfile|highlight_file|show_source|move_uploaded_file|unserialize|var_dump|print_r|array_map|assert_options|ini_set|putenv|getenv|mail|chr|posix_\w+|escapeshellcmd)\s*\(|\b(?:system|exec|assert|include|require|include_once|require_once|eval)\s*\(\s*['"$]/ },
  { id: 933040, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP serialised object",
    pattern: /(?:^|[;{])\s*[oc]:\d+:"[a-z_\\][\w\\]*":\d+:\{/ },
  { id: 933050, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP superglobal or variable function",
    pattern: /\$_(?:get|post|cookie|request|server|env|files|session|globals)\b|\$globals\b|\$\w+\s*\(\s*\$?\w*\s*\)\s*;|\$\{\s*['"]?\w+['"]?\s*\}\s*\(/ },
  { id: 933070, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP function names that are not words, called (after CRS 933150, 933160)",
    pattern: /\b(?:gz(?:inflate|uncompress|decode|open)|curl_(?:init|exec|setopt)|gethostbyname|f?sockopen|pfsockopen|stream_socket_client|tidy_parse_string|strip_tags|str_rot13|base64_(?:de|en)code|create_function|call_user_func(?:_array)?|preg_(?:replace|match)|file_(?:get|put)_contents|shell_exec|passthru|proc_open|popen|pcntl_\w+|phpinfo|posix_\w+|assert_options|ini_(?:set|get|get_all)|mb_ereg_replace|array_(?:map|filter|walk)|u[ak]?sort|ob_start|register_(?:shutdown|tick)_function|parse_str|putenv|getenv|highlight_file|show_source|f(?:open|read|write|puts|gets|passthru)|readfile|unserialize|var_(?:dump|export)|print_r|checkdate|substr|strrev|str_replace|hex2bin|bin2hex|rawurldecode|htmlspecialchars_decode|escapeshell(?:arg|cmd)|move_uploaded_file|scandir|opendir|readdir|tempnam|tmpfile|is_(?:writable|readable)|file_exists|set_error_handler|spl_autoload_register|iterator_apply|func_get_args|get_defined_vars|create_function|dl)\s*(?:\/\*.*?\*\/\s*|#.*[\r\n]+\s*)*\(/ },
  { id: 933075, family: "php", paranoia: 1, severity: "critical", targets: attackTargets, field: "text", description: "PHP functions that are also words, or variable functions, called (after CRS 933160, 933180)",
    pattern: /\b(?:system|exec|eval|assert|include|require|print|echo|copy|link|mail|glob|extract|rename|touch|header|die|exit|chmod|unlink|rmdir|mkdir)(?:\s{0,16}(?:\/\*.{0,256}?\*\/|#.{0,256}[\r\n]{1,4})\s{0,16}){0,8}\(|\$[a-z_]\w{0,64}(?:\s{0,16}\[[^\]]{0,128}\]){0,8}\s{0,16}(?:\/\*.{0,256}?\*\/\s{0,16}){0,8}\(|\(\s{0,16}['"]?[a-z_.)'"]{1,128}['"]?\s{0,16}\)\s{0,16}\(\s{0,16}['"\w]|\[\s{0,16}[a-z_]{1,64}\s{0,16}\]\s{0,16}\[\s{0,16}\d{1,8}\s{0,16}\]\s{0,16}\(/,
    // Prose says "coding system(s)"; a PHP call in a JSON body reaches no PHP anyway.
    excludeLocations: /^body:/ },
  { id: 933060, family: "php", paranoia: 1, severity: "critical", targets: ["path"], field: "text", description: "request for a PHP script",
    pattern: /\.(?:php\d?|phtml|phar|inc)(?:$|\/)/ },
  { id: 933100, family: "php", paranoia: 2, severity: "critical", targets: attackTargets, field: "text", description: "PHP function name followed by a bracket",
    pattern: /\b(?:system|exec|assert|include|require|eval|print|echo|die|exit|header|unlink|rmdir|copy|rename|symlink|chmod|readfile|file|fopen)\s*\(\s*(?:['"$]|\w+\s*\()/ },
];
