import { attackTargets, type SignatureRule, type Target } from "../rule.js";

/** The core SQL rules also read the URL path, where REST ids are injected (CRS 942101). */
const withPath: readonly Target[] = [...attackTargets, "path"];

/** SQL injection (after CRS REQUEST-942). Matched against the `sql` form: comments removed, whitespace compressed. */
export const sqlInjectionRules: readonly SignatureRule[] = [
  { id: 942010, family: "sqli", paranoia: 1, severity: "critical", targets: withPath, field: "sql", description: "tautology after a quote or number (' or '1'='1, 1 or 1=1)",
    pattern: /\b(?:or|and|xor|\|\||&&)\b\s*\(?\s*(?:(\d+)\s*(?:=|<>|!=|<=?|>=?)\s*\(?\d+\b|(['"`])[^'"`]{0,20}\2\s*(?:=|<>|!=|<=?|>=?|\blike\b)\s*\(?['"`]|([\w'"]{1,20})\s*(?:=|\blike\b)\s*\(?\3\b)|(?:['"`]|\b\d+)\s*\)?\s*(?:\|\||&&)\s*\(?\s*['"`\d]/ },
  { id: 942020, family: "sqli", paranoia: 1, severity: "critical", targets: withPath, field: "sql", description: "UNION SELECT",
    pattern: /\bunion\b[\s(]*(?:all\b|distinct\b)?[\s(]*select\b/ },
  { id: 942030, family: "sqli", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "stacked query",
    pattern: /;\s*(?:drop\s+(?:table|database|schema|view|function|procedure|user)\b|delete\s+from\b|insert\s+into\b|update\s+[\w.`"[\]]+\s+set\b|truncate\s+(?:table\s+)?\w|exec(?:ute)?\s+\w|shutdown\b|declare\s+@|select\s+[^;]*\bfrom\b|create\s+(?:table|user|function)\b|alter\s+(?:table|user)\b)/ },
  { id: 942040, family: "sqli", paranoia: 1, severity: "critical", targets: withPath, field: "sql", description: "time-based blind injection",
    pattern: /\b(?:sleep|benchmark|pg_sleep|randomblob|dbms_pipe\.receive_message|dbms_lock\.sleep)\s*\(|\bwaitfor\s+(?:delay|time)\s*['"\d]/ },
  { id: 942050, family: "sqli", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "system catalogue access",
    pattern: /\b(?:information_schema|pg_catalog|pg_shadow|pg_user|sysobjects|syscolumns|sysusers|mysql\.(?:user|db)|sqlite_master|sqlite_temp_master|all_tables|user_tables|all_tab_columns|msysobjects|xp_cmdshell|xp_regread|sp_password|sp_executesql|sp_oacreate|master\.\.sysdatabases)\b/ },
  { id: 942060, family: "sqli", paranoia: 1, severity: "critical", targets: withPath, field: "text", description: "quote closed and rest of the query commented out",
    pattern: /['"`]\s*\)*\s*;?\s*(?:--(?:\s|$|-)|#\s*$|\/\*)|\b(?:or|and)\s+[\w'"]+\s*=\s*[\w'"]+\s*(?:--|#|\/\*)/ },
  { id: 942070, family: "sqli", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "file read or write through SQL",
    pattern: /\binto\s+(?:out|dump)file\b|\bload_file\s*\(|\bload\s+data\s+(?:local\s+)?infile\b|\bcopy\s+\w+\s+(?:from|to)\s+program\b|\blo_(?:import|export)\s*\(|\butl_(?:http|inaddr|file)\b|\bopenrowset\s*\(|\bopendatasource\s*\(|\bbulk\s+insert\b/ },
  { id: 942080, family: "sqli", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "fingerprinting and error-based functions",
    pattern: /\b(?:extractvalue|updatexml|geometrycollection|multipoint|polygon|exp\s*\(\s*~|name_const|procedure\s+analyse)\s*\(|@@(?:version|datadir|hostname|basedir)\b|\bselect\s+(?:@@|user\s*\(|version\s*\(|database\s*\(|current_user\b|system_user\b|null\s*,|\d+\s*,\s*\d+)|\bconvert\s*\(\s*int\b|\bcast\s*\([^)]*\bas\s+(?:int|char|varchar|numeric)\b/ },
  { id: 942090, family: "sqli", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "ORDER BY / GROUP BY / HAVING column probing",
    pattern: /\border\s+by\s+\d+\s*(?:--|#|;|$|\))|\bhaving\s+['"\d(]+\s*(?:=|<|>|like)|\bgroup\s+by\s+[\w,.\s]+\bhaving\b/ },
  { id: 942100, family: "sqli", paranoia: 1, severity: "critical", targets: withPath, field: "sql", description: "boolean or subquery injection after a quote",
    pattern: /['"`]\s*\)*\s*(?:\bor\b|\band\b|\bxor\b|\bdiv\b|\|\||&&|\brlike\b|\bregexp\b|\bunion\b|;)\s*\(*\s*(?:select\b|exists\s*\(\s*select\b|sleep\s*\(|benchmark\s*\(|if\s*\(|case\s+when\b|char\s*\(|chr\s*\(|ascii\s*\(|substr\w*\s*\(|mid\s*\(|\d+\s*(?:=|<>|!=|<|>|-|\+|\*|$|--|#)|true\b\s*(?:$|--|#|=)|false\b\s*(?:$|--|#|=)|null\b|not\s+\d|-\s*\d|['"`]\s*(?:=|$))/ },
  { id: 942110, family: "sqli", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "conditional and string-building functions used to extract data",
    pattern: /\b(?:if|ifnull|nullif|iif|coalesce|elt|make_set|concat(?:_ws)?|group_concat|char|chr|ascii|ord|hex|unhex|substring|substr|mid|lpad|rpad|length|count|md5|sha1)\s*\([^)]*\b(?:select|from|user|version|database|schema|password|@@|sleep|benchmark)\b/ },
  { id: 942120, family: "sqli", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "SELECT … FROM with SQL punctuation",
    pattern: /\bselect\b[\s(]+[\w*@.,'"`()\s]{1,80}?[\s)]from[\s(]+[\w.`"[\]]+\s*(?:where\b|limit\b|--|#|;)/ },
  { id: 942130, family: "sqli", paranoia: 1, severity: "critical", targets: withPath, field: "sql", description: "SQL function call in a URL or form value (after CRS 942151)",
    pattern: /\b(?:concat(?:_ws)?|group_concat|find_in_set|database|db_name|schema|unhex|hex|md5|sha[12]?|rand|sin|cos|char|chr|ascii|ord|substring(?:_index)?|substr|mid|char_length|version|current_user|session_user|system_user|load_file|xmltype|utl_inaddr\.\w+|cast|convert|coalesce|ifnull|nullif|iif|elt|make_set|export_set|instr|locate|lpad|rpad|conv|row_count|found_rows|last_insert_id|json_extract|json_keys|collation|charset|connection_id|crc32|uncompress|aes_(?:en|de)crypt|old_password|sqlite_version|zeroblob|pg_\w+|dbms_\w+|sys_context|user_name|suser_s?name|is_srvrolemember|has_dbaccess|object_id|col_name|quotename|exp|floor|@@\w+)\s*\\?\(/,
    // Prose and FHIR text name functions ("hex(…)", "char(…)") in passing; JSON bodies are matched by the rules above.
    excludeLocations: /^body:/ },
  { id: 942135, family: "sqli", paranoia: 1, severity: "critical", targets: attackTargets, field: "sql", description: "SQL clause fragments: AS … FROM, EXECUTE, CHAR() concatenation (after CRS 942362, 942380)",
    pattern: /\)\s*as\s+['"`\w]+\s+from\b|['"`!]\s*as['"`]?\s+from\b|\bas\s+['"`]\w+['"`]\s+from\s+\w|\bselect\s+group_concat\b|\bexecute\s+(?:immediate\s+)?['"\w]|\bchar\s*\(\s*\d+\s*\)\s*(?:\+|\|\|)\s*char\s*\(|\bcase\s+when\b[\s\S]*\bthen\b/,
    excludeLocations: /^body:/ },
  { id: 942200, family: "sqli", paranoia: 2, severity: "critical", targets: attackTargets, field: "sql", description: "quote followed by an SQL operator or keyword",
    pattern: /['"`]\s*(?:\|\||&&|\bor\b|\band\b|\bxor\b|\bdiv\b|\blike\b|\bbetween\b|\bnot\s+in\b|<>|!=)\s*['"`\d(]|['"`]\s*;\s*(?:--|#|$|\w+\s)/,
    // Prose quotes words joined by "or"/"and" ("true" or "false"), and FHIR text fields are prose.
    excludeLocations: /^body:/ },
  { id: 942210, family: "sqli", paranoia: 2, severity: "critical", targets: attackTargets, field: "sql", description: "MySQL variables, hex literals and inline comments",
    pattern: /@@\w+|\b0x[0-9a-f]{6,}\b|\/\*!\d*|\bchar\s*\(\s*\d+\s*(?:,\s*\d+\s*)+\)/ },
  { id: 942220, family: "sqli", paranoia: 2, severity: "critical", targets: attackTargets, field: "sql", description: "SQL keyword sequence typical of injection",
    pattern: /\b(?:select|insert|update|delete|drop|union|exec)\b[\s\S]{0,40}\b(?:from|into|where|table|values|select|set)\b[\s\S]{0,40}(?:['"`;=()]|\b\d+\b)/, excludeLocations: /^body:/ },
  { id: 942300, family: "sqli", paranoia: 3, severity: "warning", targets: attackTargets, field: "text", description: "SQL comment sequences",
    pattern: /\/\*|\*\/|(?:^|\s)--\s|;\s*$/ },
];
