/** The usage lines of each command, printed by `mamori help` and by a command given wrong arguments. */

export const keysBackupUsage = `  mamori keys status          master key id, active KEK, rotation dates, data keys awaiting re-wrap
  mamori keys rotate          new KEK and re-wrap of every data key (no downtime); --resume finishes an interrupted one
  mamori keys rotate --master new master key generation in the local key file, then re-wrap of every KEK
  mamori keys reencrypt       re-encrypt every record under fresh data keys; resumes after an interruption
  mamori backup               encrypted, signed archive into MAMORI_BACKUP_DIR; prunes old generations
  mamori backup drill [file]  restore the newest (or given) archive into a scratch database and check it
  mamori restore <file>       restore an archive into an empty database (signature checked first)
`;

export const complianceUsage = `  mamori compliance report --format json|html|pdf --out <file>
                              run every compliance check against this installation and write the report
  mamori compliance disclosure --format json|html|pdf --out <file>
                              write the サービス仕様適合開示書 (service specification conformance disclosure)
`;

export const supplyChainUsage = `  mamori sbom [--output FILE] CycloneDX JSON SBOM of the installed runtime dependencies (default MAMORI_SBOM_FILE)
  mamori eol [--strict]       end-of-life status of Node.js, the database server and major dependencies;
                              --strict exits 1 when any of them is past its end of life
`;

export const oidcUsage = `  mamori oidc rotate-keys     new token signing key (ES256); the previous one stays published until the next rotation
`;

export const generateUsage = `  mamori generate --patients N --as EMAIL [--observations-per-patient M] [--from K] [--concurrency C]
                              load N synthetic patients (each with a visit and M results) as that clinician;
                              Ctrl-C stops cleanly and prints the --from to resume with
`;
