import { useTranslation } from "react-i18next";
import { changeLanguage, languages, type Language } from "../i18n/index.js";

const languageNames: Record<Language, string> = { ja: "日本語", en: "English" };

/** Switches between Japanese and English; each name is written in its own language. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="language-switch">
      <label htmlFor="language-switch">{t("header.language")}</label>
      <select
        id="language-switch"
        data-testid="language-switch"
        value={i18n.language}
        onChange={(event) => void changeLanguage(event.target.value as Language)}
      >
        {languages.map((language) => (
          <option key={language} value={language} lang={language}>
            {languageNames[language]}
          </option>
        ))}
      </select>
    </div>
  );
}
