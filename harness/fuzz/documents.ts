import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { readYamlSource } from '../src/document/source.ts';
import type { InputIssue } from '../src/errors.ts';
import { checkScenarioForRun } from '../src/gate/index.ts';
import { compilePlan } from '../src/plan/compile.ts';
import { formatPlan } from '../src/plan/format.ts';
import { checkTopology } from '../src/topology/load.ts';
import { repoPath } from '../src/util/tsx.ts';
import { type Outcome, requireLocated, timed } from './outcome.ts';

/**
 * Target `documents`: generated scenario and topology files through what `faultline validate`
 * and `faultline plan` run (in process): read the bytes, the gate, and for an admitted scenario
 * the compiled and printed plan. Property: a result, or located input issues; never a throw.
 *
 * Inputs are built three ways: valid catalog documents with fields mutated (wrong types, huge,
 * negative and NaN-like numbers, unknown keys, deep nesting, long strings, removed keys); raw
 * YAML edge cases (anchors and aliases, alias bombs, tabs, duplicate keys, several documents,
 * a BOM, odd tags); and byte-level damage (invalid UTF-8, truncation) on either.
 */

/** One generated input: a scenario file, and the topology file it may name (`topology.yaml`). */
export interface DocumentInput {
  scenario: Uint8Array;
  topology?: Uint8Array;
}

const scenarioFiles = (): string[] =>
  readdirSync(repoPath('scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => repoPath(`scenarios/${f}`));

/** Catalog scenarios as data, named `fuzz` (the file name the property writes). */
const seedScenarios: readonly unknown[] = scenarioFiles().map((file) => ({ ...(parse(readFileSync(file, 'utf8')) as object), name: 'fuzz' }));

/** A topology like the built-in taxi one, and the test fixture's shop with an external service. */
const seedTopologies: readonly unknown[] = [
  {
    name: 'taxi-like',
    services: Object.fromEntries(
      ['notification', 'dispatch', 'passenger', 'trip', 'gateway'].map((s) => [s, { command: ['node', `${s}.js`], health: '/health' }]),
    ),
    edges: ['gateway -> trip', 'trip -> passenger', 'trip -> dispatch', 'trip -> notification'],
  },
  parse(readFileSync(repoPath('harness/test/scenario/fixtures/good/my-shop.topology.yaml'), 'utf8')),
];

/** Values a field should never hold, and some it may. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, -0, 1e308, -1e308, 2 ** 53, 2 ** 64, 0.1 + 0.2, '.nan', '.inf', '-.inf', 'NaN', 'Infinity', '1e400', '0x1F', '0o17', '1_000'),
  fc.constantFrom('', ' ', '0s', '-5s', '1e9s', '10 minutes', '99999999999999999999ms', '100%', '1/s', '-1/s', 'a -> a', 'x -> y', '->', 'p(99) < 1ms'),
  fc.constantFrom(null, true, false, [], {}, [[]], JSON.parse('{"__proto__": 1}') as unknown, { constructor: 1 }, { toString: 'x' }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.nat(30).map((depth) => nest(depth)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

function nest(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value };
  return value;
}

type Path = (string | number)[];

/** Every path in a plain document (objects and arrays), the root included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

type Mutation = { kind: 'set'; at: number; value: unknown } | { kind: 'delete'; at: number } | { kind: 'add'; at: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'rate', 'for', 'link', 'type')),
    value: oddValue,
  }),
);

/** Applies a mutation to a copy of `doc` at the `at`-th path (modulo the number of paths). */
function mutate(doc: unknown, change: Mutation): unknown {
  const copy = structuredClone(doc);
  const paths = pathsOf(copy);
  const path = paths[change.at % paths.length]!;
  if (path.length === 0) return change.kind === 'set' ? change.value : copy;
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (change.kind === 'set') parent[key] = change.value;
  else if (change.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else {
    const target = parent[key];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      Object.defineProperty(target, change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
    else parent[key] = { [change.key]: change.value };
  }
  return copy;
}

/** Damage to the YAML text or bytes after it is written. */
type Damage = 'none' | 'bom' | 'tab-indent' | 'duplicate-line' | 'second-document' | 'invalid-utf8' | 'truncate' | 'nul' | 'crlf' | 'anchor-alias';

function damage(text: string, how: Damage, where: number): Uint8Array {
  const lines = text.split('\n');
  const line = where % Math.max(1, lines.length);
  switch (how) {
    case 'none':
      return Buffer.from(text);
    case 'bom':
      return Buffer.from(`\uFEFF${text}`);
    case 'tab-indent':
      lines[line] = lines[line]!.replace(/^ +/, '\t');
      return Buffer.from(lines.join('\n'));
    case 'duplicate-line':
      lines.splice(line, 0, lines[line]!);
      return Buffer.from(lines.join('\n'));
    case 'second-document':
      return Buffer.from(`${text}\n---\n${text}`);
    case 'invalid-utf8': {
      const bytes = Buffer.from(text);
      const at = where % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(at)]);
    }
    case 'truncate':
      return Buffer.from(text).subarray(0, where % (Buffer.byteLength(text) + 1));
    case 'nul':
      lines[line] = `${lines[line]!}\u0000`;
      return Buffer.from(lines.join('\n'));
    case 'crlf':
      return Buffer.from(text.replace(/\n/g, '\r\n'));
    case 'anchor-alias':
      // Anchor the first value of some line, alias it from a new key at the end.
      lines[line] = lines[line]!.replace(/: (?=\S)/, ': &fz ');
      return Buffer.from(`${lines.join('\n')}\nextra: *fz\n`);
  }
}

const damageKind = fc.constantFrom<Damage>(
  'none',
  'none',
  'none',
  'bom',
  'tab-indent',
  'duplicate-line',
  'second-document',
  'invalid-utf8',
  'truncate',
  'nul',
  'crlf',
  'anchor-alias',
);

/** A catalog document, mutated, written as YAML (block or flow style), then maybe damaged. */
function mutatedDocument(seeds: readonly unknown[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      mutations: fc.array(mutation, { maxLength: 4 }),
      flow: fc.boolean(),
      damage: damageKind,
      where: fc.nat(),
    })
    .map(({ seed, mutations, flow, damage: how, where }) => {
      const doc = mutations.reduce(mutate, seed);
      return damage(stringify(doc, { ...(flow ? { collectionStyle: 'flow' as const } : {}), aliasDuplicateObjects: false }), how, where);
    });
}

/** A "billion laughs" document: `levels` anchors, each aliasing the previous one `width` times. */
export function aliasBomb(levels: number, width: number): string {
  const lines = ['l0: &l0 [lol]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

/** Raw YAML texts no serializer writes. */
const rawYaml: fc.Arbitrary<Uint8Array> = fc
  .oneof(
    fc.record({ levels: fc.integer({ min: 1, max: 12 }), width: fc.integer({ min: 1, max: 12 }) }).map(({ levels, width }) => aliasBomb(levels, width)),
    fc.nat(200).map((n) => `load: ${'['.repeat(n)}${']'.repeat(n)}\n`),
    fc.nat(120).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'),
    fc.nat(120).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n') + 'x\n'),
    fc.constantFrom(
      'a: &a [*a]\n',
      'a: &a {b: *a}\nload: *a\n',
      '*undefined\n',
      'x: *nope\n',
      '&a a: 1\n*a : 2\n',
      '<<: {a: 1}\n',
      'load:\n  <<: [*x]\n',
      '? [a, b]\n: c\n',
      '? {a: 1}\n: 1\n',
      '!!binary aGk=\n',
      'seed: !!float 1e999\n',
      'seed: !!int 0x7fffffffffffffffffffffff\n',
      'seed: !custom 1\n',
      '%YAML 1.1\n---\nseed: 1\n',
      '%TAG ! tag:x,2000:\n---\n!a b\n',
      '--- |\n  text\n',
      '...\n',
      '---\n---\n---\n',
      '"unterminated\n',
      "'\n",
      '{a: 1, a: 2}\n',
      'a:\n\t- b\n',
      '\uFEFF\uFEFFa: 1\n',
      ': : :\n',
      '- - - - -\n',
      '[a, b]: c\n',
      'a: b: c\n',
      '@reserved\n',
      '`reserved\n',
      '\u0007\n',
    ),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
  )
  .map((text) => Buffer.from(text));

/** Arbitrary bytes, mostly ASCII-ish YAML punctuation. */
const rawBytes: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 300 });

export const documentInput: fc.Arbitrary<DocumentInput> = fc.oneof(
  { weight: 5, arbitrary: mutatedDocument(seedScenarios).map((scenario) => ({ scenario })) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        scenario: mutatedDocument(seedScenarios.map((s) => ({ ...(s as object), topology: './topology.yaml' }))),
        topology: mutatedDocument(seedTopologies),
      })
      .map(({ scenario, topology }) => ({ scenario, topology })),
  },
  { weight: 2, arbitrary: mutatedDocument(seedTopologies).map((scenario) => ({ scenario })) },
  { weight: 2, arbitrary: rawYaml.map((scenario) => ({ scenario })) },
  { weight: 1, arbitrary: rawBytes.map((scenario) => ({ scenario })) },
);

/** A folder for the generated files, removed by `dispose`. */
export function documentWorkspace(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-fuzz-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * What `validate` then `plan` do with the files, in process: a topology file (services, no load)
 * through checkTopology; a scenario through the gate and, admitted, the compiled and printed plan.
 */
export async function checkDocument(dir: string, input: DocumentInput): Promise<Outcome> {
  const file = join(dir, 'fuzz.yaml');
  writeFileSync(file, input.scenario);
  if (input.topology) writeFileSync(join(dir, 'topology.yaml'), input.topology);
  else rmSync(join(dir, 'topology.yaml'), { force: true });
  return timed(async () => {
    const source = await readYamlSource(file);
    const data = source.data as Record<string, unknown> | undefined;
    let issues: readonly InputIssue[];
    if (data && typeof data === 'object' && data['services'] !== undefined && data['load'] === undefined) {
      issues = checkTopology(source).issues;
    } else {
      const check = await checkScenarioForRun(file);
      issues = check.issues;
      if (check.admitted) {
        const { scenario, topology } = check.admitted;
        formatPlan(compilePlan(scenario, topology, {}));
      }
    }
    requireLocated(issues, dir);
    return issues.length === 0 ? 'result' : 'input-error';
  });
}
