// What the tests of test/upstream share: what the example programs emit, and the upstream
// repositories (fetched under /work/.mirror by the `fetch` tool) the cited fixtures come from.
//
// Each test file holds small fixtures, the names as an upstream source defines them at a cited
// tag, and asserts that every name the examples emit is among them. When the repository is
// fetched, the fixture itself is re-derived from the source and compared, so a fixture cannot
// drift from what it cites.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { examplePrograms as discoverPrograms, runExampleProgram } from '../util';

/** The git directory of a fetched repository (`owner/name`). */
export function mirrorOf(repo: string): string {
  return `/work/.mirror/${repo.replace('/', '+')}/repo`;
}

/** Whether every repository was fetched. */
export function haveMirrors(...repos: string[]): boolean {
  return repos.every((r) => existsSync(mirrorOf(r)));
}

/** A file of a fetched repository at a tag; fails when the file is not there. */
export function show(repo: string, tag: string, file: string): string {
  const r = spawnSync('git', ['-C', mirrorOf(repo), 'show', `${tag}:${file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${repo} ${tag} ${file}: ${r.stderr}`);
  return r.stdout;
}

/** The `yaml:"..."` tags of each struct of a Go file, in field order (`<inline>` for an inlined field, `-` for a skipped one). */
export function goYamlTags(source: string): { [struct: string]: string[] } {
  const out: { [struct: string]: string[] } = {};
  for (const m of source.matchAll(/^type (\w+) struct \{([\s\S]*?)^\}/gm)) {
    out[m[1]] = [...m[2].matchAll(/yaml:"([^",]*)([^"]*)"/g)].map((t) => t[1] || (t[2].includes('inline') ? '<inline>' : ''));
  }
  return out;
}

/** The programs of examples/, each run once, with what each wrote. */
export interface ExampleOutput {
  /** `<example>/<file>`. */
  readonly name: string;
  readonly objects: any[];
  readonly printed: string[];
}

let examples: ExampleOutput[] | undefined;

/** Every example program (all of examples/), run as the tests run them. */
export function examplePrograms(): ExampleOutput[] {
  if (!examples) {
    // Every program that writes manifests, found as the other example tests find them, and the
    // one that prints a configuration instead.
    const programs: Array<[string, string, boolean]> = [
      ...discoverPrograms().map((p): [string, string, boolean] => [p.example, p.file, true]),
      ['prometheus-config', 'main.ts', false],
    ];
    examples = programs.map(([dir, file, manifests]) => {
      const out = runExampleProgram(dir, { file, manifests });
      return { name: `${dir}/${file}`, objects: out.objects, printed: out.printed };
    });
  }
  return examples;
}

/** Every object every example program wrote. */
export function exampleObjects(): any[] {
  return examplePrograms().flatMap((e) => e.objects);
}

/** The containers (and init containers) of every workload of the examples, with the workload's kind/name. */
export function exampleContainers(): Array<{ workload: string; container: any }> {
  return exampleObjects().flatMap((o) => {
    const spec = o.spec?.template?.spec ?? (o.kind === 'Pod' ? o.spec : undefined);
    if (!spec) return [];
    return [...spec.initContainers ?? [], ...spec.containers ?? []].map((container: any) => ({ workload: `${o.kind}/${o.metadata.name}`, container }));
  });
}

/** The files of every ConfigMap the examples wrote, by file name. */
export function exampleFiles(file: string): string[] {
  return exampleObjects().filter((o) => o.kind === 'ConfigMap' && o.data?.[file] !== undefined).map((o) => o.data[file]);
}

/** `--name` of each `--name=value` or `--name` argument. */
export function flagNames(args: string[]): string[] {
  return args.filter((a) => a.startsWith('-')).map((a) => a.replace(/=.*$/, ''));
}
