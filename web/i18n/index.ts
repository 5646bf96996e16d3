import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en.js";
import { ja } from "./ja.js";

export const languages = ["ja", "en"] as const;
export type Language = (typeof languages)[number];

/** The language choice is the only thing the UI ever stores in the browser: it is not patient data. */
const storageKey = "mamori.language";

function isLanguage(value: unknown): value is Language {
  return languages.includes(value as Language);
}

function readStoredLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(storageKey);
    return isLanguage(stored) ? stored : "ja";
  } catch {
    return "ja";
  }
}

/** Starts i18next with Japanese as the default and keeps <html lang> and the title in step. */
export async function startI18n(): Promise<typeof i18next> {
  i18next.on("languageChanged", (language) => {
    document.documentElement.lang = language;
    document.title = i18next.t("app.title");
  });
  await i18next.use(initReactI18next).init({
    resources: { ja: { translation: ja }, en: { translation: en } },
    lng: readStoredLanguage(),
    fallbackLng: "ja",
    supportedLngs: [...languages],
    // React escapes output itself.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

/** Switches the UI language and remembers the choice. */
export async function changeLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(storageKey, language);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
  await i18next.changeLanguage(language);
}

/** The current UI language, for Accept-Language and date formatting. */
export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : "ja";
}
