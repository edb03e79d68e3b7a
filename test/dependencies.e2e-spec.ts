import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

describe('TensorFlow.js dependencies', () => {
  it('resolve to one copy of @tensorflow/tfjs-core', () => {
    // `npm ls` exits non-zero on any problem in the tree; we only need its listing.
    let listing: string;
    try {
      listing = execFileSync('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
    } catch (error) {
      listing = (error as { stdout?: string }).stdout ?? '';
    }
    const copies = new Set(listing.split('\n').filter((line) => line.endsWith(path.join('@tensorflow', 'tfjs-core'))));
    expect([...copies]).toEqual([path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-core')]);
  });

  it('pin every @tensorflow package to the same exact version', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const pinned = Object.entries({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter(([name]) =>
      name.startsWith('@tensorflow/'),
    );
    expect(pinned.map(([name]) => name).sort()).toEqual(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node']);
    expect(new Set(pinned.map(([, version]) => version))).toEqual(new Set(['4.22.0']));
  });
});
