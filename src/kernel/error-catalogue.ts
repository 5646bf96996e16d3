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
  "waf.blocked": { status: 403, issue: "security", ja: "このリクエストは安全のため拒否されました。問題が続く場合は記録番号を添えて管理者に連絡してください。", en: "This request was refused for security reasons. If this keeps happening, report the incident id to your administrator." },
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
  "backup.tampered": { status: 422, issue: "security", ja: "バックアップの署名または内容を確認できないため、復元を中止しました。", en: "The backup was refused: its signature or content does not verify." },
  "backup.target_not_empty": { status: 409, issue: "conflict", ja: "復元先のデータベースが空ではありません。", en: "The database to restore into is not empty." },
  "backup.incompatible": { status: 422, issue: "not-supported", ja: "このバックアップはこのバージョンでは復元できません。", en: "This backup cannot be restored by this version." },
  "fhir.shred_blocked": { status: 409, issue: "business-rule", ja: "法定保存期間中のため、管理者2名の承認なしには消去できません。", en: "The legal retention period has not ended; erasure needs two administrators' approval." },
  "audit.not_found": { status: 404, issue: "not-found", ja: "監査記録が見つかりません。", en: "The audit entry was not found." },
  "uploads.too_large": { status: 413, issue: "too-costly", ja: "ファイルが大きすぎます。", en: "The file is too large." },
  "uploads.unsupported_type": { status: 415, issue: "not-supported", ja: "この種類のファイルは受け付けられません（JPEG、PNG、WebP、HEIC、PDF、テキスト、CSVのみ）。", en: "This kind of file is not accepted (JPEG, PNG, WebP, HEIC, PDF, plain text and CSV only)." },
  "uploads.type_mismatch": { status: 415, issue: "invalid", ja: "ファイルの中身が指定された形式と一致しません。", en: "The file's content does not match its declared type." },
  "uploads.heic_unsupported": { status: 415, issue: "not-supported", ja: "このHEIC画像は読み取れません（HEVC以外の形式か、壊れています）。JPEGで送ってください。", en: "This HEIC image cannot be read (not HEVC-coded, or damaged). Please send a JPEG." },
  "uploads.polyglot": { status: 422, issue: "security", ja: "別の形式のデータが埋め込まれたファイルは受け付けられません。", en: "Files with another format hidden inside are refused." },
  "uploads.active_content": { status: 422, issue: "security", ja: "スクリプトなど実行される内容を含むファイルは受け付けられません。", en: "Files with scripts or other active content are refused." },
  "uploads.malware": { status: 422, issue: "security", ja: "ウイルスが検出されたため、ファイルを受け付けませんでした。", en: "The file was refused because malware was detected." },
  "uploads.pixel_limit": { status: 422, issue: "too-costly", ja: "画像の画素数が多すぎます。", en: "The image has too many pixels." },
  "uploads.invalid_file": { status: 422, issue: "invalid", ja: "ファイルが壊れているか、読み取れません。", en: "The file is damaged or cannot be read." },
  "uploads.encrypted_pdf": { status: 422, issue: "security", ja: "暗号化されたPDFは受け付けられません。", en: "Encrypted PDFs are refused." },
  "uploads.invalid_text": { status: 422, issue: "invalid", ja: "テキストはUTF-8で、制御文字を含まないものに限ります。", en: "Text must be UTF-8 without control characters." },
  "uploads.timeout": { status: 422, issue: "too-costly", ja: "ファイルの無害化に時間がかかりすぎたため、受け付けませんでした。", en: "The file was refused because sanitising it took too long." },
  "uploads.scanner_unavailable": { status: 503, issue: "transient", ja: "ウイルス検査を利用できないため、ファイルを受け付けられません。", en: "The file cannot be accepted because the malware scanner is unavailable." },
  "uploads.not_found": { status: 404, issue: "not-found", ja: "ファイルが見つかりません。", en: "The file was not found." },
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
