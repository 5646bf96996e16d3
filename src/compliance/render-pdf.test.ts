import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { charactersWithoutOutline, differingShare, inkShare, renderPdfPages } from "../testing/pdf-pages.js";
import type { ReportDocument } from "./document.js";
import { renderPdf } from "./render-pdf.js";

// Every character class the product prints: kana, kanji of records and of the 開示書, full-width and ASCII
// punctuation, digits and Latin. The subset stays small on purpose: small subsets get the short `loca` format, where
// one odd-length glyph record used to shift every later glyph (the patient's export printed mostly blank).
const kana = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん" + "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー";
const kanji = "私の診療記録氏名生年月日作成時件数検査血圧糖体温脈拍呼吸酸素飽和度結果基準値判定重篤薬剤処方経過記載医師看護情報提供同意拒否事業者安全管理対策技術的物理組織人合意形成責任分界";
const latin = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 .,:;!?()[]{}<>/\\\\|-_+=*&%$#@'\\\"";
const fullWidth = "０１２３４５６７８９（）「」『』【】、。・：；！？〜／＝＋－％";

const document: ReportDocument = {
  title: "私の診療記録",
  titleEn: "My medical record",
  preface: [{ label: "氏名", value: "山田 太郎（ヤマダ タロウ）" }],
  sections: Array.from({ length: 6 }, (_, index) => ({
    heading: `第${index + 1}章 検査・バイタルサイン`,
    headingEn: `Chapter ${index + 1}`,
    items: [kana, kanji, latin, fullWidth].map((line, item) => ({
      title: `項目 ${index + 1}.${item + 1}`,
      status: { label: "確認済み", tone: "met" as const },
      fields: Array.from({ length: 8 }, (_, field) => ({ label: `欄${field + 1}`, value: line })),
    })),
  })),
};

describe("PDFs print what their text says", () => {
  it("gives every character of a subset-embedded document a glyph outline", async () => {
    const pdf = await renderPdf(document);
    assert.deepEqual(await charactersWithoutOutline(pdf), []);
  });

  it("prints the subset-embedded document exactly as with the whole fonts embedded, on every page", async () => {
    const [subsetPages, wholePages] = await Promise.all([renderPdf(document).then((pdf) => renderPdfPages(pdf)), renderPdf(document, { wholeFonts: true }).then((pdf) => renderPdfPages(pdf))]);
    assert.ok(subsetPages.length >= 2, "the test document spans several pages");
    assert.equal(subsetPages.length, wholePages.length);
    subsetPages.forEach((page, index) => {
      assert.ok(inkShare(wholePages[index]!) > 0.005, `reference page ${index + 1} carries ink`);
      const differing = differingShare(page, wholePages[index]!);
      assert.ok(differing < 0.001, `page ${index + 1}: ${(differing * 100).toFixed(2)} % of pixels differ from the whole-font rendering`);
    });
  });
});
