/**
 * Japanese words for the FHIR codes a patient's readable copy shows: a patient reads 高値 and 外来, not H and AMB.
 * A code without a word here is printed as it is rather than guessed.
 */
const labels = {
  criticality: { low: "低", high: "高", "unable-to-assess": "評価不能" },
  clinicalStatus: { active: "継続中", recurrence: "再発", relapse: "再燃", inactive: "非活動", remission: "寛解", resolved: "解決" },
  medicationStatus: { active: "服用中", "on-hold": "休薬中", cancelled: "中止", completed: "終了", "entered-in-error": "入力誤り", stopped: "中止", draft: "下書き", unknown: "不明" },
  encounterStatus: { planned: "予定", arrived: "来院", triaged: "トリアージ済み", "in-progress": "診療中", onleave: "外出中", finished: "終了", cancelled: "取消", "entered-in-error": "入力誤り", unknown: "不明" },
  encounterClass: { AMB: "外来", IMP: "入院", EMER: "救急", HH: "在宅", VR: "オンライン", ACUTE: "急性期入院", NONAC: "非急性期入院", SS: "短期滞在" },
  interpretation: { HH: "異常高値", H: "高値", N: "基準範囲内", L: "低値", LL: "異常低値", A: "異常", AA: "重大な異常" },
  consentStatus: { draft: "下書き", proposed: "提案", active: "有効", rejected: "却下", inactive: "無効", "entered-in-error": "入力誤り" },
  consentPurpose: { TREAT: "診療", ETREAT: "救急診療", HPAYMT: "支払い", HRESCH: "研究", HOPERAT: "運営", PUBHLTH: "公衆衛生", PATRQT: "本人の依頼" },
} as const satisfies Record<string, Record<string, string>>;

export type LabelKind = keyof typeof labels;

/** The Japanese word for a code of this kind, or the code itself when none is known; undefined stays undefined. */
export function labelJa(kind: LabelKind, code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  return (labels[kind] as Record<string, string>)[code] ?? code;
}
