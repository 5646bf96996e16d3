/**
 * Every error code the service can answer with, its HTTP status, its FHIR OperationOutcome issue type
 * (FHIR R4 ValueSet issue-type) and the text a person reads, Japanese first. Adding a code without its texts is a
 * compile error; the catalogue test checks the texts are not empty.
 */
export const errorCatalogue = {
  "config.invalid": { status: 500, issue: "exception", ja: "設定が正しくありません。", en: "The configuration is invalid." },
  "http.not_found": { status: 404, issue: "not-found", ja: "見つかりません。", en: "Not found." },
  "http.method_not_allowed": { status: 405, issue: "not-supported", ja: "この操作はできません。", en: "This method is not allowed here." },
  "http.bad_request": { status: 400, issue: "invalid", ja: "リクエストが正しくありません。", en: "The request is malformed." },
  "http.payload_too_large": { status: 413, issue: "too-costly", ja: "送信データが大きすぎます。", en: "The request body is too large." },
  "http.unsupported_media_type": { status: 415, issue: "not-supported", ja: "このデータ形式は受け付けられません。", en: "This content type is not accepted." },
  "http.cross_origin_refused": { status: 403, issue: "security", ja: "別のサイトからの操作は受け付けられません。", en: "Requests from another site are refused." },
  "http.internal": { status: 500, issue: "exception", ja: "サーバーで問題が起きました。記録番号を添えて管理者に連絡してください。", en: "Something went wrong on the server. Report the incident id to your administrator." },
  "session.required": { status: 401, issue: "login", ja: "ログインしてください。", en: "Please sign in." },
  "session.expired": { status: 401, issue: "login", ja: "一定時間操作がなかったため、ログアウトしました。", en: "You were signed out after a period of inactivity." },
  "session.wrong_stage": { status: 409, issue: "business-rule", ja: "この手順はいまは実行できません。", en: "This step is not available now." },
  "identity.invalid_credentials": { status: 401, issue: "login", ja: "メールアドレスまたはパスワードが違います。", en: "The e-mail address or password is wrong." },
  "identity.invalid_totp": { status: 401, issue: "login", ja: "確認コードが違うか、期限が切れています。", en: "The verification code is wrong or has expired." },
  "identity.account_disabled": { status: 401, issue: "login", ja: "メールアドレスまたはパスワードが違います。", en: "The e-mail address or password is wrong." },
  "identity.password_too_short": { status: 422, issue: "invalid", ja: "パスワードが短すぎます。", en: "The password is too short." },
  "identity.password_too_long": { status: 422, issue: "invalid", ja: "パスワードが長すぎます。", en: "The password is too long." },
  "identity.email_taken": { status: 409, issue: "duplicate", ja: "このメールアドレスは既に登録されています。", en: "This e-mail address is already registered." },
  "identity.invitation_invalid": { status: 404, issue: "not-found", ja: "招待リンクが無効か、期限が切れています。", en: "The invitation link is invalid or has expired." },
  "identity.invitation_email_mismatch": { status: 422, issue: "invalid", ja: "招待されたメールアドレスと一致しません。", en: "The e-mail address does not match the invitation." },
  "access.denied": { status: 403, issue: "forbidden", ja: "この操作の権限がありません。", en: "You do not have permission for this action." },
  "fhir.invalid_resource": { status: 400, issue: "structure", ja: "リソースの形式が正しくありません。", en: "The resource is not valid FHIR." },
  "fhir.unprocessable": { status: 422, issue: "invalid", ja: "リソースの内容が正しくありません。", en: "The resource content is invalid." },
  "fhir.resource_type_mismatch": { status: 400, issue: "invalid", ja: "リソースの種類がURLと一致しません。", en: "The resource type does not match the URL." },
  "fhir.not_found": { status: 404, issue: "not-found", ja: "リソースが見つかりません。", en: "The resource was not found." },
  "fhir.unsupported_type": { status: 404, issue: "not-supported", ja: "このリソースの種類には対応していません。", en: "This resource type is not supported." },
  "crypto.key_unavailable": { status: 503, issue: "transient", ja: "暗号鍵を利用できません。", en: "The encryption key is unavailable." },
  "crypto.integrity": { status: 500, issue: "exception", ja: "保存データの完全性を確認できませんでした。", en: "Stored data failed its integrity check." },
  "audit.unavailable": { status: 503, issue: "transient", ja: "監査記録を保存できないため、処理を中止しました。", en: "The request was stopped because its audit entry could not be saved." },
  "audit.invalid_filter": { status: 400, issue: "invalid", ja: "監査ログの検索条件が正しくありません。", en: "The audit log search conditions are invalid." },
  "audit.not_found": { status: 404, issue: "not-found", ja: "監査記録が見つかりません。", en: "The audit entry was not found." },
} as const satisfies Record<string, ErrorText>;

export interface ErrorText {
  status: number;
  issue: string;
  ja: string;
  en: string;
}

export type ErrorCode = keyof typeof errorCatalogue;

/** The catalogue entry for a code. */
export function describeError(code: ErrorCode): ErrorText {
  return errorCatalogue[code];
}
