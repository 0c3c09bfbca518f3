/**
 * The row of the "books" schema flow shared by the gRPC and REST SDK tests: every scalar type,
 * an Int64 beyond 2^53, JSON, an array, a nullable field and a partition-ish key.
 */
export const bookRow = (i: number, vector: number[]) => ({
  id: i,
  vector,
  title: `book ${i}`,
  year: 1990 + (i % 30),
  price: i * 1.5,
  rank: i % 100,
  small: i * 3,
  big: `${9007199254740993n + BigInt(i)}`,
  ratio: i / 4,
  available: i % 3 === 0,
  info: { author: i % 2 ? 'Ann' : 'Bob', pages: i * 10 },
  tags: i % 2 ? ['a', 'b'] : ['c'],
  note: i % 5 === 0 ? null : `n${i}`,
  shelf: `s${i % 4}`,
});
