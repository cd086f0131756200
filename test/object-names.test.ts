// The name of every object each example program writes, pinned. `kubectl apply` (and Argo CD, Flux)
// turns a renamed object into a delete and a create: a Deployment restarts, a PersistentVolumeClaim
// and its data are gone, a Secret a user filled in by hand is deleted. A change to these names must
// be a deliberate snapshot update (`npx jest -u test/object-names.test.ts`), never a side effect.
import { examplePrograms, runExampleProgram } from './util';

test.each(examplePrograms().map((p) => [`${p.example}/${p.file}`, p]))('examples/%s keeps the names of its objects', (_name, p) => {
  const { objects } = runExampleProgram(p.example, { file: p.file });
  const names = objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
  expect(names).toMatchSnapshot();
});
