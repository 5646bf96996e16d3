import type { IncidentKind } from "./store.js";

/**
 * Reporting deadlines of a personal-data breach to the Personal Information Protection Commission (個人情報保護委員会).
 *
 * 個人情報保護法 §26 and 個人情報保護委員会規則 (施行規則) §7–§8: a leak of 要配慮個人情報 — every medical record is —
 * must be reported even for one person. §8(1) 速報: "速やかに" after becoming aware; the PPC guideline
 * (通則編 3-5-3-3) reads this as roughly 3–5 days, so we show the 3-day target and the 5-day outer limit.
 * §8(2) 確報: within 30 days of becoming aware, 60 days when the breach may have been done with wrongful intent
 * (§7(3): 不正の目的をもって行われたおそれ — unauthorized access, malware, theft by staff).
 * Source: https://www.ppc.go.jp/personalinfo/legal/leakAction/ (reviewed 2026-11-25).
 */
const dayMs = 86_400_000;

/** Kinds treated as "may have been done with wrongful intent" (施行規則 §7(3)), hence the 60-day final report. */
const wrongfulIntentKinds: ReadonlySet<IncidentKind> = new Set(["unauthorized_access", "malware"]);

/**
 * The ministry's contact for cyber incidents at medical institutions (医療情報システムの安全管理に関するガイドライン
 * 第6.0版 企画管理編 §11; MHLW asks to be told alongside the police and the prefecture).
 */
export const mhlwContact = {
  name: "厚生労働省 医政局 特定医薬品開発支援・医療情報担当参事官室",
  url: "https://www.mhlw.go.jp/stf/shingi/0000516275_00006.html",
} as const;

export interface Deadline {
  /** `ppc_preliminary` (速報), `ppc_final` (確報). */
  kind: "ppc_preliminary" | "ppc_final";
  /** The target date (速報: 3 days; 確報: the legal limit). */
  due: Date;
  /** The outer limit where the rule gives a range (速報: 5 days). */
  latest: Date;
  /** Whole days left until `due`, negative once it has passed (rounded down). */
  daysRemaining: number;
  legalBasis: string;
}

/** The PPC deadlines of an incident, counted from when it was detected (the law counts from becoming aware). */
export function reportingDeadlines(kind: IncidentKind, detectedAt: Date, now: Date): Deadline[] {
  const plus = (days: number) => new Date(detectedAt.getTime() + days * dayMs);
  const remaining = (due: Date) => Math.floor((due.getTime() - now.getTime()) / dayMs);
  const finalDays = wrongfulIntentKinds.has(kind) ? 60 : 30;
  const preliminary = plus(3);
  const final = plus(finalDays);
  return [
    { kind: "ppc_preliminary", due: preliminary, latest: plus(5), daysRemaining: remaining(preliminary), legalBasis: "個人情報保護委員会規則 第8条第1項（速報）・通則ガイドライン 3-5-3-3" },
    { kind: "ppc_final", due: final, latest: final, daysRemaining: remaining(final), legalBasis: `個人情報保護委員会規則 第8条第2項（確報: ${finalDays}日以内）` },
  ];
}
