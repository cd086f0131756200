// The package's command line: `npx cdk8s-prometheus-monitoring migrate-krakend old.json > new.json`.
// bin/cdk8s-prometheus-monitoring calls main(). Not exported from the package (not part of the
// jsii API): it is Node.js only.
import * as fs from 'fs';
import { isObject, JsonObject } from './json';
import { migrateBlock, migrateConfig, Migration, OPENCENSUS_KEY, OTEL_KEY } from './opencensus';

/** Where the command reads and writes; the process's by default, replaceable in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a file, or standard input for '-'. */
  readonly readFile: (path: string) => string;
}

const PROGRAM = 'cdk8s-prometheus-monitoring';

const USAGE = `Usage: ${PROGRAM} migrate-krakend [FILE|-]

Migrates a KrakenD configuration from telemetry/opencensus to telemetry/opentelemetry and prints
the result on standard output. FILE (or standard input, with - or no FILE) is one of:
  - a whole krakend.json (version 3): the block under extra_config is replaced in place and
    every other key is kept;
  - an extra_config fragment: {"telemetry/opencensus": {...}};
  - the opencensus block alone: {"exporters": {"prometheus": {...}}, ...}.
What was removed, and what needs attention, is reported on standard error.

Example:
  npx ${PROGRAM} migrate-krakend krakend.json > krakend.otel.json
`;

/** The process's own streams and files. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => fs.readFileSync(path === '-' ? 0 : path, 'utf8'),
  };
}

/**
 * Runs the command line and returns the exit status: 0 on success, 1 when the input cannot be
 * migrated, 2 on a usage error.
 */
export function main(argv: string[], io: CliIo = processIo()): number {
  const [command, ...args] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'migrate-krakend') {
    io.stderr(`${PROGRAM}: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout(USAGE);
    return 0;
  }
  const options = args.filter((a) => a.startsWith('-') && a !== '-');
  if (options.length > 0 || args.length > 1) {
    io.stderr(`${PROGRAM} migrate-krakend: ${options.length > 0 ? `unknown option '${options[0]}'` : 'takes one FILE'}\n\n${USAGE}`);
    return 2;
  }
  const file = args[0] ?? '-';
  const name = file === '-' ? 'standard input' : file;
  const fail = (message: string) => {
    io.stderr(`${PROGRAM} migrate-krakend: ${message}\n`);
    return 1;
  };

  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    return fail(`cannot read ${name}: ${(e as Error).message}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    return fail(`${name} is not JSON (${(e as Error).message}); YAML, TOML and flexible-configuration templates must be converted to JSON first`);
  }

  let migration: Migration;
  let output: JsonObject;
  try {
    if (isObject(input) && ('version' in input || 'extra_config' in input || 'endpoints' in input)) {
      migration = migrateConfig(name, input);
      output = migration.result;
    } else if (isObject(input) && OPENCENSUS_KEY in input) {
      migration = migrateBlock(name, input[OPENCENSUS_KEY], `["${OPENCENSUS_KEY}"]`);
      output = {};
      for (const [k, v] of Object.entries(input)) {
        if (k === OTEL_KEY) return fail(`${name}: '["${OTEL_KEY}"]' already exists next to the OpenCensus block; merge them by hand`);
        output[k === OPENCENSUS_KEY ? OTEL_KEY : k] = k === OPENCENSUS_KEY ? migration.result : v;
      }
    } else {
      migration = migrateBlock(name, input);
      output = migration.result;
    }
  } catch (e) {
    return fail((e as Error).message);
  }

  io.stdout(`${JSON.stringify(output, undefined, indentOf(text))}\n`);
  for (const path of migration.dropped) io.stderr(`${PROGRAM} migrate-krakend: dropped ${path}\n`);
  for (const note of migration.notes) io.stderr(`${PROGRAM} migrate-krakend: note: ${note}\n`);
  return 0;
}

/** The indentation of the input (the first indented line), so the output diffs cleanly; 2 spaces by default. */
function indentOf(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  return m ? m[1] : '  ';
}
