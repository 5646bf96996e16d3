/** The Binary id of an attachment url "Binary/<id>" (relative or absolute), if it points at our uploads. */
export function binaryIdOf(url: string | undefined): string | undefined {
  const match = url ? /(?:^|\/)Binary\/([A-Za-z0-9\-.]{1,64})$/.exec(url) : null;
  return match?.[1];
}

