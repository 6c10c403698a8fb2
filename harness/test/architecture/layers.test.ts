import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of harness/src (docs/architecture.md): a module may import only from a lower
 * layer, never from its own layer's other folders, never from a higher one. Strictly downward
 * imports also mean no cycle between folders.
 */
const layers: readonly (readonly string[])[] = [
  ['errors.ts', 'util'],
  ['model'],
  ['document'],
  // The embedded MQTT broker stands beside the embedded Toxiproxy: a server of its own, no harness imports.
  ['topology', 'toxiproxy', 'broker'],
  // Fault kinds (YAML form + driver) sit below scenario, which builds its union from them; their
  // drivers see Toxiproxy only through the ProxyControl interface they declare.
  ['faults'],
  ['scenario'],
  ['gate'],
  ['plan'],
  // The async observer (an MQTT subscriber on the completion channel) measures beside the load
  // generator and the scraper.
  ['load', 'metrics', 'messaging'],
  // The Toxiproxy wrapper (owns the journal) implements faults' ProxyControl and reads the
  // embedded server's counters with metrics' parser.
  ['k6', 'proxies'],
  ['run'],
  ['slo'],
  ['report'],
  ['api'],
  ['cli'],
  ['index.ts'],
];

const repo = resolve(import.meta.dirname, '..', '..', '..');
const src = join(repo, 'harness', 'src');
const rank = new Map(layers.flatMap((folders, index) => folders.map((folder) => [folder, index] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Relative specifiers of every static import, re-export and dynamic import of a file. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

/** The top-level folder (or root file) of harness/src a path is in. */
const topOf = (path: string): string => relative(src, path).split(sep)[0]!;

interface Edge {
  from: string;
  to: string;
  file: string;
}

function edges(): Edge[] {
  return sourceFiles(src).flatMap((file) =>
    importsOf(file).map((specifier) => ({ from: relative(src, file), to: relative(src, resolve(dirname(file), specifier)), file })),
  );
}

describe('the layers of harness/src', () => {
  it('places every top-level folder of harness/src in a layer', () => {
    const tops = new Set(sourceFiles(src).map(topOf));
    expect([...tops].filter((top) => !rank.has(top))).toEqual([]);
  });

  it('has every import point down to a lower layer (no import up, none sideways, no cycle)', () => {
    const wrong = edges().flatMap(({ from, to }) => {
      const [fromTop, toTop] = [from.split(sep)[0]!, to.split(sep)[0]!];
      if (fromTop === toTop || to.startsWith('..')) return [];
      return rank.get(toTop)! < rank.get(fromTop)! ? [] : [`${from} -> ${to}`];
    });
    expect(wrong).toEqual([]);
  });

  it('keeps the embedded Toxiproxy standalone: it imports only the error catalog', () => {
    const outside = edges().filter(({ from, to }) => from.startsWith(`toxiproxy${sep}`) && !to.startsWith(`toxiproxy${sep}`) && to !== 'errors.ts');
    expect(outside.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it("reaches outside harness/src only for the sample services' profile names", () => {
    const outside = edges()
      .filter(({ to }) => to.startsWith('..'))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(outside).toEqual([`gate${sep}profiles.ts -> ${join('..', '..', 'services', 'lib', 'profile', 'builtin.ts')}`]);
  });

  it('finds imports up when one is added (the check itself can fail)', () => {
    const probe = join(src, 'model', 'recording.ts');
    expect(importsOf(probe).every((specifier) => !specifier.includes('/run/'))).toBe(true);
    const fake = `import type { Plan } from '../plan/model.ts';\nexport { x } from "../run/clock.ts";\nawait import('../cli/main.ts');`;
    const found = [...fake.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm)].map(
      (m) => m[1] ?? m[2],
    );
    expect(found).toEqual(['../plan/model.ts', '../run/clock.ts', '../cli/main.ts']);
  });
});

describe('the sample services', () => {
  it('never import the harness (their tests may drive it)', () => {
    const services = join(repo, 'services');
    const wrong = sourceFiles(services)
      .filter((file) => !file.includes(`${sep}node_modules${sep}`) && !file.includes(`${sep}test${sep}`) && !file.endsWith('.test.ts'))
      .flatMap((file) => importsOf(file).map((specifier) => ({ file, target: resolve(dirname(file), specifier) })))
      .filter(({ target }) => target.startsWith(join(repo, 'harness')))
      .map(({ file, target }) => `${relative(repo, file)} -> ${relative(repo, target)}`);
    expect(wrong).toEqual([]);
  });
});
