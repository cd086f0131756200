/**
 * Locating the real validator binaries, free ports and temporary directories.
 *
 * Tests never skip silently: a missing binary is an error that says what to install.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The binaries the harness runs. */
export type ToolName = 'promtool' | 'prometheus' | 'prometheus-node-exporter' | 'prometheus-alertmanager' | 'amtool' | 'htpasswd';

const INSTALL_HINT = 'apt-get install -y --no-install-recommends prometheus prometheus-node-exporter prometheus-alertmanager apache2-utils';
const EXTRA_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/bin', '/sbin'];
const found = new Map<ToolName, string>();

/**
 * The absolute path of a validator binary.
 *
 * Looks on PATH, then in /usr/bin, /usr/sbin, /usr/local/bin.
 * @throws Error naming the apt-get command that installs it
 */
export function requireTool(name: ToolName): string {
  const cached = found.get(name);
  if (cached) return cached;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter((d) => d.length > 0), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) {
        found.set(name, candidate);
        return candidate;
      }
    } catch {
      // not in this directory: keep looking
    }
  }
  throw new Error(`\`${name}\` not found: install it with \`${INSTALL_HINT}\``);
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it).
 */
export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`freePort: unexpected server address ${String(address)}`));
        return;
      }
      const port = address.port;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

const tempDirs = new Set<string>();
let exitHookInstalled = false;

/**
 * A new empty directory under os.tmpdir(), removed by `removeTempDir`, `cleanupTempDirs`
 * or, at the latest, when the process exits.
 */
export function makeTempDir(prefix = 'harness-'): string {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', cleanupTempDirs);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Removes one directory made by `makeTempDir` (and everything in it). */
export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Removes every directory made by `makeTempDir` that still exists. */
export function cleanupTempDirs(): void {
  for (const dir of [...tempDirs]) {
    try {
      removeTempDir(dir);
    } catch {
      // best effort at exit: a busy directory must not hide the test result
    }
  }
}

/**
 * Runs `fn` with a fresh temporary directory and removes the directory afterwards,
 * whether `fn` returns or throws.
 */
export function withTempDir<T>(fn: (dir: string) => T, prefix?: string): T {
  const dir = makeTempDir(prefix);
  try {
    return fn(dir);
  } finally {
    removeTempDir(dir);
  }
}

/**
 * Writes `files` (relative path -> content) into `dir`, creating subdirectories.
 * Refuses paths that would escape `dir`.
 */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const target = path.resolve(dir, rel);
    if (!target.startsWith(path.resolve(dir) + path.sep)) {
      throw new Error(`writeFiles: '${rel}' is outside ${dir}`);
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}
