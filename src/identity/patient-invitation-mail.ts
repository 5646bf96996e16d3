import type { OutgoingMail } from "../mail/index.js";

// The clinic's patients read Japanese first; the dates are the clinic's (Japan Standard Time).
const jaDate = new Intl.DateTimeFormat("ja-JP", { dateStyle: "long", timeStyle: "short", timeZone: "Asia/Tokyo" });
const enDate = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "Asia/Tokyo" });

/**
 * The patient portal invitation e-mail, Japanese first and English below. It carries the link and says the code
 * comes separately, from the clinician in person, so a message read by someone else opens nothing by itself.
 */
export function patientInvitationMail(input: { to: string; link: string; expiresAt: Date; organisationName: string }): OutgoingMail {
  const { link, organisationName } = input;
  const ja = jaDate.format(input.expiresAt);
  const en = enDate.format(input.expiresAt);
  return {
    to: input.to,
    subject: `【${organisationName}】患者ポータルへのご招待 / Invitation to the patient portal`,
    text: [
      `${organisationName} の患者ポータルへご招待します。`,
      "下のリンクを開き、担当の医療者から直接お渡しした確認コードを入力して、アカウントを作成してください。",
      "確認コードはこのメールには書かれていません。",
      "",
      link,
      "",
      `有効期限: ${ja}（日本時間）`,
      `お心当たりのない場合は、このメールを破棄し、${organisationName} へご連絡ください。`,
      "",
      "----",
      "",
      `You are invited to the patient portal of ${organisationName}.`,
      "Open the link below and enter the one-time code your clinician handed you in person to create your account.",
      "The code is not in this e-mail.",
      "",
      link,
      "",
      `The link expires on ${en} (Japan Standard Time).`,
      `If you did not expect this message, delete it and contact ${organisationName}.`,
      "",
    ].join("\n"),
  };
}
