import { adjacencyGraphs } from "@zxcvbn-ts/language-common";

// A password made of a few runs of keys typed in a row is guessed early by every cracker (zxcvbn's "spatial",
// "sequence" and "repeat" matches; NIST SP 800-63B §5.1.1.2 names "repetitive or sequential characters").
const maxTrivialRuns = 3;
const sequences = ["abcdefghijklmnopqrstuvwxyz", "01234567890"];

const keyboards = [adjacencyGraphs.qwerty, adjacencyGraphs.keypad] as Array<Record<string, Array<string | null>>>;

/** The unshifted key of a shifted character ("@" → "2"), from the QWERTY graph's key pairs. */
const unshifted: ReadonlyMap<string, string> = new Map(
  Object.values(adjacencyGraphs.qwerty as Record<string, Array<string | null>>)
    .flat()
    .flatMap((pair) => (pair && pair.length === 2 ? [[pair[1]!, pair[0]!] as const] : [])),
);

/** Keys next to each other on a QWERTY keyboard or a numeric keypad (the zxcvbn-ts graphs), both ways. */
const adjacentKeys: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (!neighbours.has(a)) neighbours.set(a, new Set());
    neighbours.get(a)!.add(b);
  };
  for (const graph of keyboards) {
    for (const [key, around] of Object.entries(graph)) {
      for (const pair of around) {
        const other = pair?.[0];
        if (other === undefined) continue;
        link(key, other);
        link(other, key);
      }
    }
  }
  return neighbours;
})();

/** Whether `next` is what comes after `previous` without thinking: the same key, the next letter or digit, a key beside it. */
function continues(previous: string, next: string): boolean {
  if (previous === next) return true;
  if (adjacentKeys.get(previous)?.has(next)) return true;
  return sequences.some((sequence) => {
    const at = sequence.indexOf(previous);
    return at !== -1 && (sequence[at + 1] === next || (at > 0 && sequence[at - 1] === next));
  });
}

/**
 * True when the password is no more than a few runs of repeated characters, alphabet or digit sequences, or keys
 * beside each other ("aaaaaaaaaaaa", "abcdefghijkl", "123456789012", "qwertyasdfgh", "!@#$%^&*()_+"), or a short
 * unit repeated ("abcabcabcabc"), whatever the case or width.
 */
export function isTrivialPattern(password: string): boolean {
  const characters = [...password.normalize("NFKC").toLowerCase()].map((character) => unshifted.get(character) ?? character);
  // A short unit said again and again ("abcabcabcabc", "passpasspass").
  if (/^(.{1,6})\1+$/su.test(characters.join(""))) return true;
  let runs = characters.length > 0 ? 1 : 0;
  for (let index = 1; index < characters.length; index += 1) {
    if (!continues(characters[index - 1]!, characters[index]!)) runs += 1;
    if (runs > maxTrivialRuns) return false;
  }
  return true;
}

/**
 * True when the password contains the account's e-mail address, its local part, or the display name (or one of
 * its words), ignoring case, width and spaces: the first things someone who knows the person tries.
 */
export function containsPersonalDetails(password: string, personal: { email: string; displayName?: string | undefined }): boolean {
  const squeeze = (text: string) => text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  const candidate = squeeze(password);
  const email = squeeze(personal.email);
  const localPart = email.split("@")[0] ?? "";
  const words = (personal.displayName ?? "").normalize("NFKC").split(/\s+/).map(squeeze).filter((word) => word.length > 0);
  // A family and given name written together ("山田花子"), as well as each word of the name alone.
  const names = [...words, ...words.slice(1).map((word, index) => `${words[index]}${word}`)];
  // Short parts would refuse ordinary words ("used@…", "ken"): five letters in Latin script, three characters in
  // Japanese (a family and given name together, "山田花子", is four).
  const isLongEnough = (detail: string) => [...detail].length >= (/^[\x20-\x7e]*$/.test(detail) ? 5 : 3);
  const details = [email, localPart, ...names].filter(isLongEnough);
  return details.some((detail) => detail.length > 0 && candidate.includes(detail));
}
