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
  "http.rate_limited": { status: 429, issue: "throttled", ja: "短時間のリクエストが多すぎます。しばらく待ってから再度お試しください。", en: "Too many requests in a short time. Please wait and try again." },
  "session.required": { status: 401, issue: "login", ja: "ログインしてください。", en: "Please sign in." },
  "session.expired": { status: 401, issue: "login", ja: "一定時間操作がなかったため、ログアウトしました。", en: "You were signed out after a period of inactivity." },
  "session.wrong_stage": { status: 409, issue: "business-rule", ja: "この手順はいまは実行できません。", en: "This step is not available now." },
  "session.not_found": { status: 404, issue: "not-found", ja: "このセッションは見つからないか、既に終了しています。", en: "The session was not found or has already ended." },
  "identity.invalid_credentials": { status: 401, issue: "login", ja: "メールアドレスまたはパスワードが違います。", en: "The e-mail address or password is wrong." },
  "identity.invalid_totp": { status: 401, issue: "login", ja: "確認コードが違うか、期限が切れています。", en: "The verification code is wrong or has expired." },
  "identity.account_disabled": { status: 401, issue: "login", ja: "メールアドレスまたはパスワードが違います。", en: "The e-mail address or password is wrong." },
  "identity.password_too_short": { status: 422, issue: "invalid", ja: "パスワードが短すぎます。", en: "The password is too short." },
  "identity.password_too_long": { status: 422, issue: "invalid", ja: "パスワードが長すぎます。", en: "The password is too long." },
  "identity.password_common": { status: 422, issue: "invalid", ja: "よく使われていて推測されやすいパスワードです。別のパスワードにしてください。", en: "This password is common and easy to guess. Choose another one." },
  "identity.current_password_wrong": { status: 422, issue: "invalid", ja: "現在のパスワードが違います。", en: "The current password is wrong." },
  "identity.email_taken": { status: 409, issue: "duplicate", ja: "このメールアドレスは既に登録されています。", en: "This e-mail address is already registered." },
  "identity.invitation_invalid": { status: 404, issue: "not-found", ja: "招待リンクが無効か、期限が切れています。", en: "The invitation link is invalid or has expired." },
  "identity.invitation_email_mismatch": { status: 422, issue: "invalid", ja: "招待されたメールアドレスと一致しません。", en: "The e-mail address does not match the invitation." },
  "identity.account_not_found": { status: 404, issue: "not-found", ja: "アカウントが見つかりません。", en: "The account was not found." },
  "identity.last_administrator": { status: 409, issue: "business-rule", ja: "有効な管理者が一人もいなくなるため、この変更はできません。", en: "This change would leave no active administrator." },
  "identity.patient_account_roles": { status: 422, issue: "business-rule", ja: "患者アカウントには職員の役割を付与できません。", en: "A patient account cannot be given staff roles." },
  "identity.sign_in_delayed": { status: 429, issue: "throttled", ja: "失敗が続いたため、少し待ってからもう一度お試しください。", en: "After failed attempts, please wait a moment before trying again." },
  "identity.sign_in_locked": { status: 429, issue: "throttled", ja: "失敗が多すぎるため、ログインが一時的にロックされています。しばらくしてからお試しいただくか、管理者に連絡してください。", en: "Sign-in is temporarily locked after too many failed attempts. Try again later or contact your administrator." },
  "access.denied": { status: 403, issue: "forbidden", ja: "この操作の権限がありません。", en: "You do not have permission for this action." },
  "access.break_glass_reason": { status: 422, issue: "invalid", ja: "緊急時アクセスの理由を10文字以上500文字以内で入力してください。", en: "Give the reason for emergency access in 10 to 500 characters." },
  "access.review_not_found": { status: 404, issue: "not-found", ja: "未確認の緊急時アクセスが見つかりません（既に確認済みの可能性があります）。", en: "No open emergency-access review was found (it may already be closed)." },
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
  "oauth.invalid_token": { status: 401, issue: "login", ja: "アクセストークンが無効か、期限が切れています。", en: "The access token is invalid or has expired." },
  "oauth.invalid_redirect_uri": { status: 422, issue: "invalid", ja: "リダイレクトURIはhttps（ネイティブアプリはループバックのhttp）でなければなりません。", en: "Redirect URIs must use https (or loopback http for native apps)." },
  "oauth.invalid_client_scope": { status: 422, issue: "invalid", ja: "対応していないスコープが含まれています。", en: "A scope is not supported." },
  "oauth.client_not_found": { status: 404, issue: "not-found", ja: "クライアントが見つかりません。", en: "The client was not found." },
  "oauth.interaction_expired": { status: 400, issue: "expired", ja: "認可の手続きが無効か、期限が切れています。アプリからやり直してください。", en: "The authorization request is invalid or has expired. Start again from the app." },
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
  "session.step_up_required": { status: 401, issue: "login", ja: "この操作の前に、もう一度本人確認（確認コード、パスキーまたはリカバリーコード）をしてください。", en: "Please verify your identity again (code, passkey or recovery code) before this action." },
  "identity.invalid_recovery_code": { status: 401, issue: "login", ja: "リカバリーコードが違うか、既に使われています。", en: "The recovery code is wrong or has already been used." },
  "identity.invalid_passkey": { status: 401, issue: "login", ja: "パスキーを確認できませんでした。", en: "The passkey could not be verified." },
  "identity.last_factor": { status: 409, issue: "business-rule", ja: "最後の認証要素は削除できません。先に別の認証要素を追加してください。", en: "Your last second factor cannot be removed. Add another one first." },
  "identity.factor_not_found": { status: 404, issue: "not-found", ja: "認証要素が見つかりません。", en: "The second factor was not found." },
  "identity.factor_exists": { status: 409, issue: "duplicate", ja: "認証アプリは既に登録されています。", en: "An authenticator app is already enrolled." },
  "uploads.not_found": { status: 404, issue: "not-found", ja: "ファイルが見つかりません。", en: "The file was not found." },
  "incident.not_found": { status: 404, issue: "not-found", ja: "インシデントが見つかりません。", en: "The incident was not found." },
  "incident.detected_in_future": { status: 422, issue: "invalid", ja: "検知日時が未来になっています。", en: "The detection time lies in the future." },
  "incident.invalid_window": { status: 422, issue: "invalid", ja: "期間の指定が正しくありません（開始は終了より前、最長366日）。", en: "The time window is invalid (start before end, at most 366 days)." },
  "service.read_only": { status: 503, issue: "transient", ja: "セキュリティ対応のため、現在は閲覧のみ可能です。更新はできません。", en: "The service is read-only during a security response; changes are refused." },
  "compliance.unknown_control": { status: 404, issue: "not-found", ja: "この管理策はカタログにありません。", en: "This control is not in the catalogue." },
  "compliance.not_attestable": { status: 409, issue: "business-rule", ja: "この管理策は証明ではなく稼働中の検査で確認します。", en: "This control is proven by live checks, not by attestation." },
  "compliance.invalid_attestation": { status: 422, issue: "invalid", ja: "証明の内容または有効期間が正しくありません。", en: "The attestation statement or validity period is invalid." },
  "defence.ip_blocked": { status: 403, issue: "security", ja: "このネットワークからのアクセスは一時的に遮断されています。", en: "Access from this network is temporarily blocked." },
  "defence.account_locked": { status: 403, issue: "security", ja: "このアカウントは不審な操作が検知されたため一時的にロックされています。情報管理責任者に連絡してください。", en: "This account is temporarily locked after suspicious activity was detected. Contact your security officer." },
  "ids.alert_not_found": { status: 404, issue: "not-found", ja: "アラートが見つかりません。", en: "The alert was not found." },
  "ids.alert_state_conflict": { status: 409, issue: "conflict", ja: "アラートの状態が変わっているため、この操作はできません。", en: "The alert has changed state; this step is not available." },
  "ids.watch_list_not_found": { status: 404, issue: "not-found", ja: "要注意患者リストに登録されていません。", en: "The patient is not on the watch list." },
  "ids.restriction_not_found": { status: 404, issue: "not-found", ja: "有効な制限が見つかりません。", en: "No restriction in force was found." },
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
