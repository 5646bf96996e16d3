/** How many leading characters of a name are indexed as prefixes; longer search strings match on these. */
export const maxPrefixLength = 32;

/**
 * The form a name is indexed and searched in, so that the ways a Japanese name is typed meet: NFKC (half-width
 * ｶﾀｶﾅ and full-width ＡＢＣ become their ordinary forms), katakana folded to hiragana (ヤマダ = やまだ), case folded
 * (Yamada = yamada) and spaces and middle dots removed (山田 太郎 = 山田太郎, スミス・ジョン = すみすじょん).
 */
export function normaliseName(text: string): string {
  const folded = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\u30fb]/gu, "");
  // Katakana ァ..ヶ and the iteration marks ヽヾ sit 0x60 above their hiragana; ヷ..ヺ and ー have no hiragana twin.
  return folded.replace(/[\u30a1-\u30f6\u30fd\u30fe]/gu, (char) => String.fromCharCode(char.charCodeAt(0) - 0x60));
}

/** Every leading part of a normalised name up to `maxPrefixLength` characters (code points, so 𠮷 counts as one). */
export function namePrefixes(normalised: string): string[] {
  const chars = Array.from(normalised).slice(0, maxPrefixLength);
  const prefixes: string[] = [];
  for (let length = 1; length <= chars.length; length += 1) prefixes.push(chars.slice(0, length).join(""));
  return prefixes;
}

/** A search string in indexed form, cut to the indexed prefix length. */
export function nameQuery(text: string): string {
  return Array.from(normaliseName(text)).slice(0, maxPrefixLength).join("");
}
