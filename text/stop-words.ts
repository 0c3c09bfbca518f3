/**
 * The stop-word lists an analyzer's `stop_words` may name by language (`_english_`), as
 * Milvus's analyzers expand them. Milvus takes its lists from the Snowball project; Mishards
 * carries the English one, the list Milvus's `english` analyzer and most `stop` filters use.
 * The other names Milvus knows are refused as not supported yet rather than read as words.
 */

/** Milvus's `_english_` list. */
const ENGLISH = [
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
];

/** The language lists Milvus has and Mishards does not carry. */
const OTHER_MILVUS_LISTS = new Set([
  '_chinese_',
  '_danish_',
  '_dutch_',
  '_finnish_',
  '_french_',
  '_german_',
  '_hungarian_',
  '_italian_',
  '_norwegian_',
  '_portuguese_',
  '_russian_',
  '_spanish_',
  '_swedish_',
]);

/** The words of a language list name, undefined for a plain word; throws for a list Mishards lacks. */
export function languageStopWords(name: string, unsupported: (message: string) => Error): readonly string[] | undefined {
  if (name === '_english_') return ENGLISH;
  if (OTHER_MILVUS_LISTS.has(name))
    throw unsupported(`stop words list ${name} is not supported by Mishards: use _english_ or list the words`);
  return undefined;
}

export const ENGLISH_STOP_WORDS: readonly string[] = ENGLISH;
