import "i18next";
import type { Messages } from "./ja.js";

// Makes t("section.key") a compile error when the key does not exist.
declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: Messages };
  }
}
