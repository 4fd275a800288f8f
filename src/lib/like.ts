/** A LIKE / ILIKE pattern matching `text` anywhere, with the wildcards in `text` escaped (backslash is the default escape). */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
