// Shape checks for values from any jsii language, and the library's error message. Not exported.
//
// TypeScript stops `jobName: 42` at compile time; Python, Java, Go, .NET and plain JavaScript
// callers may still pass it. Every public constructor, factory and method checks the shape of
// what it receives with these functions, so a wrong value fails with
// `<where>: '<prop>' <constraint>, got <value>. <fix>` instead of a TypeError deep inside the
// library. `<where>` is a construct path when a construct received the value, otherwise the
// model object (`ScrapeJob 'weave'`, `Relabel.replace`).
//
// An absent value (undefined or null) passes every check except `requireProp`: optional props
// are optional. Each check returns the value it checked, so it can wrap the read.

/** Throws the library's standard error. */
export function fail(where: string, prop: string, constraint: string, value: unknown, fix?: string): never {
  throw new Error(problem(where, prop, constraint, value, fix));
}

/** The library's standard error message, for validations that report several at once. */
export function problem(where: string, prop: string, constraint: string, value: unknown, fix?: string): string {
  return `${where}: '${prop}' ${constraint}, got ${show(value)}${fix ? `. ${fix}` : ''}`;
}

/** An object of unknown shape, read field by field (a value a user passed, or a duck-typed class). */
type Loose = { [key: string]: any };

/** What an object is, for an error message: its construct path and class, or its class. */
export function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x !== 'object') return `a ${typeof x}`;
  const o = x as Loose;
  const type = o.constructor?.name ?? 'Object';
  const path = o.node?.path;
  return typeof path === 'string' ? `${path || '(the app)'} (${type})` : `an object of class ${type}`;
}

const isPlainObject = (x: unknown): x is Loose => {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/**
 * A value as a message shows it: strings quoted, data as JSON, objects of a class by their class
 * (and construct path), so a construct or a cyclic object never breaks the message.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (isDuration(value)) return `Duration ${value.toHumanString()}`;
  if (value !== null && !Array.isArray(value) && !isPlainObject(value)) return describe(value);
  try {
    const seen = new Set<unknown>();
    return JSON.stringify(value, (_key, v: unknown) => {
      if (v === undefined || v === null || typeof v !== 'object') return typeof v === 'function' ? 'a function' : v;
      if (!Array.isArray(v) && !isPlainObject(v)) return isDuration(v) ? `Duration ${v.toHumanString()}` : describe(v);
      if (seen.has(v)) return '(cycle)';
      seen.add(v);
      return v;
    });
  } catch {
    return describe(value);
  }
}

/** The index of each value that repeats an earlier one, in order. */
function repeatIndexes(values: readonly unknown[]): number[] {
  const seen = new Set<unknown>();
  const out: number[] = [];
  values.forEach((v, i) => {
    if (seen.has(v)) out.push(i);
    else seen.add(v);
  });
  return out;
}

/** Each value that appears more than once, once, in the order it first repeats: for validations that report them all. */
export function duplicates<T>(values: readonly T[]): T[] {
  return [...new Set(repeatIndexes(values).map((i) => values[i]))];
}

/**
 * Fails on the first value that repeats an earlier one. `prop` names the list, or, as a
 * function of the repeat's index, the item (`exporters[2].name`).
 */
export function checkUnique(where: string, prop: string | ((index: number) => string), values: readonly unknown[],
  constraint = 'must have unique names', fix?: string): void {
  const [i] = repeatIndexes(values);
  if (i !== undefined) fail(where, typeof prop === 'string' ? prop : prop(i), constraint, values[i], fix);
}

const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** A prop that must be given. */
export function requireProp<T>(where: string, prop: string, value: T | undefined | null, fix?: string): T {
  if (absent(value)) fail(where, prop, 'is required', value, fix ?? `Set '${prop}'`);
  return value;
}

/**
 * A struct (props, options): an object of properties. A missing required struct fails, naming
 * the struct as the prop.
 */
export function checkStruct<T>(where: string, prop: string, value: T, required = false): T {
  if (absent(value)) {
    if (required) fail(where, prop, 'is required', value, 'Pass an object of properties');
    return value;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(where, prop, 'must be an object of properties', value, Array.isArray(value) ? 'Pass one object, not a list' : 'Pass an object, such as { ... }');
  }
  return value;
}

export function checkString<T extends string | undefined>(where: string, prop: string, value: T, fix?: string): T {
  if (!absent(value) && typeof value !== 'string') {
    fail(where, prop, 'must be a string', value, fix ?? (typeof value === 'number' || typeof value === 'boolean' ? `Write '${value}'` : 'Pass a string'));
  }
  return value;
}

export function checkBoolean<T extends boolean | undefined>(where: string, prop: string, value: T): T {
  if (!absent(value) && typeof value !== 'boolean') fail(where, prop, 'must be true or false', value, 'Pass a boolean, true or false');
  return value;
}

/** The fix for a number given as something else: the number itself when a string holds one. */
export function numberFix(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
    ? `Write ${Number(value)}, a number, not a string` : 'Pass a number';
}

/** A finite number. */
export function checkNumber<T extends number | undefined>(where: string, prop: string, value: T): T {
  if (!absent(value) && (typeof value !== 'number' || !Number.isFinite(value))) fail(where, prop, 'must be a number', value, numberFix(value));
  return value;
}

export function checkInteger<T extends number | undefined>(where: string, prop: string, value: T): T {
  if (!absent(value) && !Number.isInteger(value)) fail(where, prop, 'must be an integer', value, numberFix(value));
  return value;
}

/**
 * A list. `each` checks every item, named `<prop>[<i>]`. A single item given where a list is
 * expected fails with the fix to wrap it.
 */
export function checkArray<T extends unknown[] | undefined>(where: string, prop: string, value: T,
  each?: (where: string, prop: string, item: NonNullable<T>[number]) => unknown): T {
  if (absent(value)) return value;
  if (!Array.isArray(value)) {
    fail(where, prop, 'must be a list', value, 'Wrap a single item in a list: [item]');
  }
  if (each) value.forEach((item, i) => each(where, `${prop}[${i}]`, item));
  return value;
}

/** A list of strings. */
export function checkStringArray<T extends string[] | undefined>(where: string, prop: string, value: T): T {
  return checkArray(where, prop, value, checkString);
}

/** A map of strings to strings (labels, annotations, settings). */
export function checkStringMap<T extends { [key: string]: string } | undefined>(where: string, prop: string, value: T): T {
  if (absent(value)) return value;
  if (!isPlainObject(value)) fail(where, prop, 'must be a map of strings', value, 'Pass an object of string values, such as { team: \'db\' }');
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(where, `${prop}.${key}`, 'must be a string', v, typeof v === 'number' || typeof v === 'boolean' ? `Write '${v}'` : 'Pass a string');
  }
  return value;
}

/**
 * An object of one of the library's classes. jsii passes an object of a library class from any
 * language as the real JavaScript object, so `instanceof` is exact; a plain object of the same
 * shape is refused with `fix`, which names the factory to use.
 */
export function checkInstance<T>(where: string, prop: string, value: T, type: Function | Function[], fix: string): T {
  if (absent(value)) return value;
  const types = Array.isArray(type) ? type : [type];
  if (!types.some((t) => value instanceof t)) {
    fail(where, prop, `must be ${types.map((t) => `${/^[AEIOU]/.test(t.name) ? 'an' : 'a'} ${t.name}`).join(' or ')}`, value, fix);
  }
  return value;
}

/** A list of objects of one of the library's classes (see `checkInstance`). */
export function checkInstances<T extends unknown[] | undefined>(where: string, prop: string, value: T, type: Function | Function[], fix: string): T {
  return checkArray(where, prop, value, (w, p, item) => checkInstance(w, p, requireProp(w, p, item, fix), type, fix));
}

interface DurationLike { toMilliseconds(opts?: object): number; toHumanString(): string }
interface SizeLike { toMebibytes(opts?: object): number }

/** cdk8s's Duration, of any copy of cdk8s (an app may load its own), recognised by its methods. */
function isDuration(x: unknown): x is DurationLike {
  return x !== null && typeof x === 'object' && typeof (x as Loose).toMilliseconds === 'function' && typeof (x as Loose).toHumanString === 'function';
}

/** A cdk8s Duration. */
export function checkDuration<T>(where: string, prop: string, value: T): T {
  if (!absent(value) && !isDuration(value)) {
    fail(where, prop, 'must be a cdk8s Duration', value, 'Use Duration.seconds(30), Duration.minutes(5) or Duration.days(15) from cdk8s');
  }
  return value;
}

/** A cdk8s Size. */
export function checkSize<T>(where: string, prop: string, value: T): T {
  const ok = absent(value) || (typeof value === 'object' && typeof (value as Loose).toMebibytes === 'function');
  if (!ok) fail(where, prop, 'must be a cdk8s Size', value, 'Use Size.gibibytes(10) or Size.mebibytes(512) from cdk8s');
  return value as SizeLike & T;
}

/**
 * A member of an enum. jsii passes enum members as their values; a wrong string (`'ftp'`) fails
 * naming the members.
 */
export function checkEnum<T>(where: string, prop: string, value: T, enumObject: object, enumName: string): T {
  if (absent(value)) return value;
  const entries = Object.entries(enumObject).filter(([key]) => !/^\d+$/.test(key));
  if (!entries.some(([, v]) => v === value)) {
    fail(where, prop, `must be one of ${entries.map(([, v]) => show(v)).join(', ')}`, value,
      `Use ${entries.map(([key]) => `${enumName}.${key}`).join(', ')}`);
  }
  return value;
}

/** cdk8s `ApiObjectMetadata` given as props: a struct with string maps and a string namespace. */
export function checkMetadata<T>(where: string, prop: string, value: T): T {
  if (absent(checkStruct(where, prop, value))) return value;
  const m = value as Loose;
  checkString(where, `${prop}.namespace`, m.namespace);
  checkString(where, `${prop}.name`, m.name);
  checkStringMap(where, `${prop}.labels`, m.labels);
  checkStringMap(where, `${prop}.annotations`, m.annotations);
  return value;
}

/**
 * Refuses props under names a release renamed or removed: a plain JavaScript caller would
 * otherwise have them ignored without a word. `renamed` maps each old name to its new name, or
 * to the fix when it has no new name.
 */
export function checkRenamed(where: string, props: object | undefined, renamed: { [old: string]: string }): void {
  if (props === undefined || props === null || typeof props !== 'object') return;
  for (const [old, now] of Object.entries(renamed)) {
    const value = (props as { [key: string]: unknown })[old];
    if (value === undefined) continue;
    if (/^[a-zA-Z]+$/.test(now)) {
      fail(where, old, `was renamed '${now}' (the README's Upgrading section lists the renames)`, value, `Write ${now} instead of ${old}`);
    }
    fail(where, old, 'was removed (the README\'s Upgrading section lists what replaces it)', value, now);
  }
}
