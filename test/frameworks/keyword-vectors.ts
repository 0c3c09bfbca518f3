/**
 * A deterministic stand-in for an embedding model in the framework tests: dimension i counts
 * the occurrences of `vocabulary[i]` in the text (whole words, any case), the remaining
 * dimensions stay 0. A document that names one vocabulary word is a one-hot vector, and a
 * query's nearest neighbours follow from how often it repeats each word, so every expected
 * answer is known without a model or a network.
 */
export function keywordVector(text: string, vocabulary: readonly string[], dim = vocabulary.length): number[] {
  if (dim < vocabulary.length) throw new Error(`dimension ${dim} is smaller than the vocabulary (${vocabulary.length} words)`);
  const v = new Array<number>(dim).fill(0);
  for (const word of text.toLowerCase().split(/[^a-z]+/)) {
    const i = vocabulary.indexOf(word);
    if (i >= 0) v[i]! += 1;
  }
  // A zero vector has no direction (COSINE is undefined): a text outside the vocabulary is a test bug.
  if (v.every((x) => x === 0)) throw new Error(`no vocabulary word in ${JSON.stringify(text)}`);
  return v;
}
