import { sql, type Generated } from "kysely";
import type { Executor } from "../db/index.js";

export const relationshipSources = ["care_team", "encounter", "department", "registered"] as const;
export type RelationshipSource = (typeof relationshipSources)[number];
export type ReviewOutcome = "justified" | "unjustified";

type AccessTables = {
  access_staff_link: { account_id: string; practitioner_id: string; department_id: string | null; linked_at: Date; linked_by: string };
  access_care_relationship: {
    source_type: string;
    source_id: string;
    patient_id: string;
    source: RelationshipSource;
    practitioner_id: string | null;
    organization_id: string | null;
    account_id: string | null;
    granted_by: string | null;
    granted_by_clinician: boolean;
  };
  access_consent_rule: { consent_id: string; patient_id: string; organization_id: string | null; purpose: string | null };
  access_break_glass: {
    id: string;
    account_id: string;
    patient_id: string;
    reason: Buffer;
    granted_at: Date;
    expires_at: Date;
    access_count: Generated<number>;
    review_status: Generated<"open" | "closed">;
    outcome: ReviewOutcome | null;
    note: Buffer | null;
    reviewed_at: Date | null;
    reviewed_by: string | null;
    sealed: Generated<boolean>;
  };
  identity_account: { id: string; display_name: string; kind: "staff" | "patient"; status: "active" | "disabled" };
};

export interface StaffLink {
  practitionerId: string;
  departmentId: string | undefined;
}

/** One derived care-relationship row; exactly one of the three keys is set. */
export interface RelationshipRow {
  patientId: string;
  source: RelationshipSource;
  practitionerId?: string | undefined;
  organizationId?: string | undefined;
  accountId?: string | undefined;
}

/** The account whose write derives a relationship, and whether it held a clinical role (doctor, nurse) then. */
export interface RelationshipGranter {
  accountId: string;
  isClinician: boolean;
  /** The granter's own Practitioner: a row naming it is a self-appointment, never counted as a clinician's grant. */
  practitionerId?: string | undefined;
}

/** How an account is related to one patient: through which sources, and whether a clinician gave any of them. */
export interface RelationshipFacts {
  sources: RelationshipSource[];
  isClinicianGranted: boolean;
}

/** What one write changed among the rows derived from its resource. */
export interface RowChanges<Row> {
  added: Row[];
  removed: Row[];
}

export interface ConsentRuleRow {
  patientId: string;
  organizationId: string | undefined;
  purpose: string | undefined;
}

/** A break-glass grant as stored: its reason and review note are sealed (see break-glass-text.ts). */
export interface StoredBreakGlassRow {
  id: string;
  accountId: string;
  accountName: string;
  patientId: string;
  reason: Buffer;
  grantedAt: Date;
  expiresAt: Date;
  accessCount: number;
  status: "open" | "closed";
  outcome: ReviewOutcome | undefined;
  note: Buffer | undefined;
  reviewedAt: Date | undefined;
  /** False for a row written before reason and note were encrypted (migration 0023): its bytes are UTF-8. */
  sealed: boolean;
}

/** SQL of the access module: staff links, derived care relationships and consent rules, break-glass grants. */
export function createAccessStore(executor: Executor) {
  const db = executor.withTables<AccessTables>();
  const store = {
    async staffLink(accountId: string): Promise<StaffLink | undefined> {
      const row = await db.selectFrom("access_staff_link").select(["practitioner_id", "department_id"]).where("account_id", "=", accountId).executeTakeFirst();
      return row ? { practitionerId: row.practitioner_id, departmentId: row.department_id ?? undefined } : undefined;
    },

    /** The account acting as each of these Practitioners, where exactly one does (a grant entry then names it). */
    async soleAccountsOf(practitionerIds: readonly string[]): Promise<Map<string, string>> {
      if (practitionerIds.length === 0) return new Map();
      const rows = await db.selectFrom("access_staff_link").select(["practitioner_id", "account_id"]).where("practitioner_id", "in", practitionerIds).execute();
      const accounts = new Map<string, string[]>();
      for (const row of rows) accounts.set(row.practitioner_id, [...(accounts.get(row.practitioner_id) ?? []), row.account_id]);
      return new Map([...accounts].flatMap(([practitionerId, ids]) => (ids.length === 1 ? [[practitionerId, ids[0]!] as const] : [])));
    },

    async accountKind(accountId: string): Promise<"staff" | "patient" | undefined> {
      return (await db.selectFrom("identity_account").select("kind").where("id", "=", accountId).executeTakeFirst())?.kind;
    },

    /**
     * Holds every other link write until the transaction ends, so two administrators cannot link one Practitioner to
     * two accounts at once (the check below reads rows the other has not committed yet).
     */
    async lockStaffLinks(): Promise<void> {
      await sql`lock table access_staff_link in share row exclusive mode`.execute(db);
    },

    /** The active accounts other than `exceptAccountId` that act as the Practitioner. */
    async activeAccountsLinkedTo(practitionerId: string, exceptAccountId: string): Promise<string[]> {
      const rows = await db
        .selectFrom("access_staff_link as l")
        .innerJoin("identity_account as a", "a.id", "l.account_id")
        .select("l.account_id")
        .where("l.practitioner_id", "=", practitionerId)
        .where("l.account_id", "!=", exceptAccountId)
        .where("a.status", "=", "active")
        .execute();
      return rows.map((row) => row.account_id);
    },

    async putStaffLink(accountId: string, link: StaffLink, by: string, at: Date): Promise<void> {
      await db
        .insertInto("access_staff_link")
        .values({ account_id: accountId, practitioner_id: link.practitionerId, department_id: link.departmentId ?? null, linked_at: at, linked_by: by })
        .onConflict((conflict) => conflict.column("account_id").doUpdateSet({ practitioner_id: link.practitionerId, department_id: link.departmentId ?? null, linked_at: at, linked_by: by }))
        .execute();
    },

    /**
     * Replaces every row derived from one resource (idempotent: the same resource twice gives the same rows) and
     * returns the rows that appeared and disappeared. A row kept across versions keeps the granter it had; a new
     * row is granted by `granter`.
     */
    async replaceRelationships(sourceType: string, sourceId: string, rows: readonly RelationshipRow[], granter: RelationshipGranter): Promise<RowChanges<RelationshipRow>> {
      const existing = await db
        .selectFrom("access_care_relationship")
        .select(["patient_id", "source", "practitioner_id", "organization_id", "account_id", "granted_by", "granted_by_clinician"])
        .where("source_type", "=", sourceType)
        .where("source_id", "=", sourceId)
        .execute();
      const before = new Map(
        existing.map((row) => {
          const relationship: RelationshipRow = {
            patientId: row.patient_id,
            source: row.source,
            practitionerId: row.practitioner_id ?? undefined,
            organizationId: row.organization_id ?? undefined,
            accountId: row.account_id ?? undefined,
          };
          return [relationshipKey(relationship), { relationship, grantedBy: row.granted_by, isClinician: row.granted_by_clinician }] as const;
        }),
      );
      const after = new Map(rows.map((row) => [relationshipKey(row), row] as const));
      await db.deleteFrom("access_care_relationship").where("source_type", "=", sourceType).where("source_id", "=", sourceId).execute();
      if (after.size > 0) {
        await db
          .insertInto("access_care_relationship")
          .values(
            [...after].map(([key, row]) => {
              const kept = before.get(key);
              return {
                source_type: sourceType,
                source_id: sourceId,
                patient_id: row.patientId,
                source: row.source,
                practitioner_id: row.practitionerId ?? null,
                organization_id: row.organizationId ?? null,
                account_id: row.accountId ?? null,
                granted_by: kept ? kept.grantedBy : granter.accountId,
                // A clinician naming his own Practitioner appoints himself: that is no clinician's word on his part.
                granted_by_clinician: kept ? kept.isClinician : granter.isClinician && !(row.practitionerId !== undefined && row.practitionerId === granter.practitionerId),
              };
            }),
          )
          .execute();
      }
      return {
        added: [...after].filter(([key]) => !before.has(key)).map(([, row]) => row),
        removed: [...before].filter(([key]) => !after.has(key)).map(([, row]) => row.relationship),
      };
    },

    async hasRelationships(sourceType: string, sourceId: string): Promise<boolean> {
      const row = await db.selectFrom("access_care_relationship").select("patient_id").where("source_type", "=", sourceType).where("source_id", "=", sourceId).limit(1).executeTakeFirst();
      return row !== undefined;
    },

    /** How the account is related to the patient: through its own id, its Practitioner or its department. */
    async relationshipSources(patientId: string, accountId: string, link: StaffLink | undefined): Promise<RelationshipSource[]> {
      return (await store.relationshipFactsOf([patientId], accountId, link)).get(patientId)?.sources ?? [];
    },

    /** The relationship facts of many patients at once: patients without a relationship are absent from the map. */
    async relationshipFactsOf(patientIds: readonly string[], accountId: string, link: StaffLink | undefined): Promise<Map<string, RelationshipFacts>> {
      const facts = new Map<string, RelationshipFacts>();
      if (patientIds.length === 0) return facts;
      const rows = await db
        .selectFrom("access_care_relationship")
        .select(["patient_id", "source", "granted_by_clinician"])
        .distinct()
        .where("patient_id", "in", patientIds)
        .where((eb) =>
          eb.or([
            eb("account_id", "=", accountId),
            ...(link ? [eb("practitioner_id", "=", link.practitionerId)] : []),
            ...(link?.departmentId ? [eb("organization_id", "=", link.departmentId)] : []),
          ]),
        )
        .execute();
      for (const row of rows) {
        const known = facts.get(row.patient_id) ?? { sources: [], isClinicianGranted: false };
        if (!known.sources.includes(row.source)) known.sources.push(row.source);
        known.isClinicianGranted ||= row.granted_by_clinician;
        facts.set(row.patient_id, known);
      }
      for (const known of facts.values()) known.sources.sort();
      return facts;
    },

    /** Every patient the account is related to, with how. */
    async relatedPatients(accountId: string, link: StaffLink | undefined, limit: number): Promise<Array<{ patientId: string; sources: RelationshipSource[] }>> {
      const rows = await db
        .selectFrom("access_care_relationship")
        .select(["patient_id", sql<RelationshipSource[]>`array_agg(distinct source order by source)`.as("sources")])
        .where((eb) =>
          eb.or([
            eb("account_id", "=", accountId),
            ...(link ? [eb("practitioner_id", "=", link.practitionerId)] : []),
            ...(link?.departmentId ? [eb("organization_id", "=", link.departmentId)] : []),
          ]),
        )
        .groupBy("patient_id")
        .orderBy("patient_id")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ patientId: row.patient_id, sources: row.sources }));
    },

    /** Replaces the rules derived from one Consent and returns the rules that appeared and disappeared. */
    async replaceConsentRules(consentId: string, rules: readonly ConsentRuleRow[]): Promise<RowChanges<ConsentRuleRow>> {
      const existing = await db.selectFrom("access_consent_rule").select(["patient_id", "organization_id", "purpose"]).where("consent_id", "=", consentId).execute();
      const before = new Map(
        existing.map((rule) => {
          const row: ConsentRuleRow = { patientId: rule.patient_id, organizationId: rule.organization_id ?? undefined, purpose: rule.purpose ?? undefined };
          return [consentRuleKey(row), row] as const;
        }),
      );
      const after = new Map(rules.map((rule) => [consentRuleKey(rule), rule] as const));
      await db.deleteFrom("access_consent_rule").where("consent_id", "=", consentId).execute();
      if (after.size > 0) {
        await db
          .insertInto("access_consent_rule")
          .values([...after.values()].map((rule) => ({ consent_id: consentId, patient_id: rule.patientId, organization_id: rule.organizationId ?? null, purpose: rule.purpose ?? null })))
          .execute();
      }
      return { added: [...after].filter(([key]) => !before.has(key)).map(([, row]) => row), removed: [...before].filter(([key]) => !after.has(key)).map(([, row]) => row) };
    },

    /** Among these patients, those with an active consent that denies this department or any of these purposes. */
    async consentDeniedAmong(patientIds: readonly string[], departmentId: string | undefined, purposes: readonly string[]): Promise<Set<string>> {
      if (patientIds.length === 0) return new Set();
      const rows = await db.selectFrom("access_consent_rule").select(["patient_id", "organization_id", "purpose"]).where("patient_id", "in", patientIds).execute();
      // A rule naming both an organization and a purpose denies only their combination.
      return new Set(
        rows.filter((rule) => (rule.organization_id === null || rule.organization_id === departmentId) && (rule.purpose === null || purposes.includes(rule.purpose))).map((rule) => rule.patient_id),
      );
    },

    async countConsentRules(): Promise<{ rules: number; patients: number }> {
      const row = await db
        .selectFrom("access_consent_rule")
        .select([sql<string>`count(*)`.as("rules"), sql<string>`count(distinct patient_id)`.as("patients")])
        .executeTakeFirstOrThrow();
      return { rules: Number(row.rules), patients: Number(row.patients) };
    },

    async insertBreakGlass(row: { id: string; accountId: string; patientId: string; reason: Buffer; grantedAt: Date; expiresAt: Date }): Promise<void> {
      await db
        .insertInto("access_break_glass")
        .values({ id: row.id, account_id: row.accountId, patient_id: row.patientId, reason: row.reason, granted_at: row.grantedAt, expires_at: row.expiresAt })
        .execute();
    },

    /** Per patient among these, the account's grant in force at `now` (the latest expiry where there are several). */
    async activeBreakGlassOf(accountId: string, patientIds: readonly string[], now: Date): Promise<Map<string, string>> {
      const grants = new Map<string, string>();
      if (patientIds.length === 0) return grants;
      const rows = await db
        .selectFrom("access_break_glass")
        .select(["patient_id", "id"])
        .where("account_id", "=", accountId)
        .where("patient_id", "in", patientIds)
        .where("granted_at", "<=", now)
        .where("expires_at", ">", now)
        .orderBy("expires_at", "desc")
        .execute();
      for (const row of rows) if (!grants.has(row.patient_id)) grants.set(row.patient_id, row.id);
      return grants;
    },

    async countBreakGlassUse(id: string): Promise<void> {
      await db.updateTable("access_break_glass").set((eb) => ({ access_count: eb("access_count", "+", 1) })).where("id", "=", id).execute();
    },

    async breakGlassGrants(filter: { accountId?: string; activeAt?: Date; status?: "open" | "closed"; id?: string; sealed?: boolean }, limit: number): Promise<StoredBreakGlassRow[]> {
      let query = db
        .selectFrom("access_break_glass as g")
        .leftJoin("identity_account as a", "a.id", "g.account_id")
        .select([
          "g.id",
          "g.account_id",
          "a.display_name",
          "g.patient_id",
          "g.reason",
          "g.granted_at",
          "g.expires_at",
          "g.access_count",
          "g.review_status",
          "g.outcome",
          "g.note",
          "g.reviewed_at",
          "g.sealed",
        ]);
      if (filter.id !== undefined) query = query.where("g.id", "=", filter.id);
      if (filter.accountId !== undefined) query = query.where("g.account_id", "=", filter.accountId);
      if (filter.activeAt !== undefined) query = query.where("g.granted_at", "<=", filter.activeAt).where("g.expires_at", ">", filter.activeAt);
      if (filter.status !== undefined) query = query.where("g.review_status", "=", filter.status);
      if (filter.sealed !== undefined) query = query.where("g.sealed", "=", filter.sealed);
      const rows = await query.orderBy("g.granted_at", "desc").orderBy("g.id").limit(limit).execute();
      return rows.map((row) => ({
        id: row.id,
        accountId: row.account_id,
        accountName: row.display_name ?? "",
        patientId: row.patient_id,
        reason: Buffer.from(row.reason),
        grantedAt: new Date(row.granted_at),
        expiresAt: new Date(row.expires_at),
        accessCount: Number(row.access_count),
        status: row.review_status,
        outcome: row.outcome ?? undefined,
        note: row.note ? Buffer.from(row.note) : undefined,
        reviewedAt: row.reviewed_at ? new Date(row.reviewed_at) : undefined,
        sealed: row.sealed,
      }));
    },

    /** Closes an open review; false when there is no such open review (already closed or unknown). */
    async closeReview(id: string, review: { outcome: ReviewOutcome; note: Buffer; by: string; at: Date }): Promise<boolean> {
      const result = await db
        .updateTable("access_break_glass")
        .set({ review_status: "closed", outcome: review.outcome, note: review.note, reviewed_by: review.by, reviewed_at: review.at })
        .where("id", "=", id)
        .where("review_status", "=", "open")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /**
     * Replaces a grant's reason and note written before they were encrypted with their sealed forms; false when
     * the row was sealed meanwhile (another node got there first).
     */
    async sealBreakGlass(id: string, sealed: { reason: Buffer; note: Buffer | undefined }): Promise<boolean> {
      const result = await db
        .updateTable("access_break_glass")
        .set({ reason: sealed.reason, note: sealed.note ?? null, sealed: true })
        .where("id", "=", id)
        .where("sealed", "=", false)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Open reviews and the oldest grant among them (compliance ACC-3). */
    async openReviews(grantedBefore: Date): Promise<{ open: number; overdue: number; oldest: Date | undefined; total: number }> {
      const row = await db
        .selectFrom("access_break_glass")
        .select([
          sql<string>`count(*) filter (where review_status = 'open')`.as("open"),
          sql<string>`count(*) filter (where review_status = 'open' and granted_at < ${grantedBefore})`.as("overdue"),
          sql<Date | null>`min(granted_at) filter (where review_status = 'open')`.as("oldest"),
          sql<string>`count(*)`.as("total"),
        ])
        .executeTakeFirstOrThrow();
      return { open: Number(row.open), overdue: Number(row.overdue), oldest: row.oldest ? new Date(row.oldest) : undefined, total: Number(row.total) };
    },
  };
  return store;
}

const relationshipKey = (row: RelationshipRow) => JSON.stringify([row.patientId, row.source, row.practitionerId ?? null, row.organizationId ?? null, row.accountId ?? null]);
const consentRuleKey = (row: ConsentRuleRow) => JSON.stringify([row.patientId, row.organizationId ?? null, row.purpose ?? null]);
