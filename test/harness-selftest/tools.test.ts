import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { cleanupTempDirs, freePort, makeTempDir, requireTool, ToolName, withTempDir, writeFiles } from '../harness';

describe('requireTool', () => {
  test.each(['promtool', 'prometheus', 'prometheus-node-exporter'] as ToolName[])('finds %s', (name) => {
    const found = requireTool(name);
    expect(path.basename(found)).toBe(name);
    expect(() => fs.accessSync(found, fs.constants.X_OK)).not.toThrow();
  });

  test('throws saying what to install when a tool is missing', () => {
    expect(() => requireTool('no-such-tool' as ToolName)).toThrow(
      '`no-such-tool` not found: install it with `apt-get install -y --no-install-recommends prometheus prometheus-node-exporter prometheus-alertmanager apache2-utils`',
    );
  });
});

test('freePort returns a port that can be listened on', async () => {
  const port = await freePort();
  expect(port).toBeGreaterThan(0);
  expect(port).toBeLessThan(65536);
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('temporary directories', () => {
  test('withTempDir removes the directory even when the function throws', () => {
    let seen = '';
    expect(() => withTempDir((dir) => {
      seen = dir;
      writeFiles(dir, { 'a/b.txt': 'x' });
      expect(fs.readFileSync(path.join(dir, 'a/b.txt'), 'utf8')).toBe('x');
      throw new Error('boom');
    })).toThrow('boom');
    expect(seen.startsWith(os.tmpdir())).toBe(true);
    expect(fs.existsSync(seen)).toBe(false);
  });

  test('cleanupTempDirs removes what makeTempDir made', () => {
    const dir = makeTempDir();
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    cleanupTempDirs();
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('writeFiles refuses paths outside the directory', () => {
    withTempDir((dir) => {
      expect(() => writeFiles(dir, { '../escape.txt': 'x' })).toThrow(/outside/);
    });
  });
});
