// Bad input as jsii callers (Python, Java, Go, .NET, plain JavaScript) pass it: plain values where
// TypeScript would have stopped them. Each case must fail with the library's message,
// `<where>: '<prop>' <constraint>, got <value>. <fix>`, never a bare TypeError; or, for a value
// that is right in another language's form (an enum member as its wire string), give output the
// real validators accept.

/** One bad input and what its error must name. */
export interface BadInput {
  /** What is wrong. */
  readonly name: string;
  /** Builds the bad thing. */
  readonly run: () => unknown;
  /** The construct path or model object that received the value. */
  readonly where: string;
  /** The property, as the message names it. */
  readonly prop: string;
  /** The value, as the message shows it after `got `. */
  readonly got: string;
  /** A fragment of the fix. */
  readonly fix: string;
}

/** A plain value of any shape, as another language passes it. */
export const js = (value: unknown): any => value;

/** Asserts the error of one case: the library's form with where, prop, value and fix. */
export function expectClearError(c: BadInput): void {
  let error: unknown;
  try {
    c.run();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`${c.name}: accepted`);
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(TypeError);
  const message = (error as Error).message;
  expect(message).not.toMatch(/is not a function|Cannot read properties|is not iterable|circular structure/);
  expect(message).toContain(`${c.where}: '${c.prop}' `);
  expect(message).toContain(`, got ${c.got}`);
  // The fix comes after the value, as its own sentence.
  expect(message.slice(message.indexOf(`, got ${c.got}`) + c.got.length + 6)).toMatch(/^\. /);
  expect(message.slice(message.indexOf(`, got ${c.got}`))).toContain(c.fix);
}

/** Registers the cases of a family as tests; a family has at least 25. */
export function badInputs(cases: BadInput[]): void {
  test('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => expectClearError(c));
}
