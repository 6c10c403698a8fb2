const PLACEHOLDER = /\{\{(seq|rand|cycle:(\d+))\}\}/g;

/**
 * The JavaScript expression (in terms of a variable `seq`) that renders the request body in k6,
 * with the same placeholder meaning as faultline's own load generator (harness/src/load/body.ts):
 * `{{seq}}` the request number, `{{cycle:N}}` 1 + seq mod N, `{{rand}}` a random unsigned 32-bit
 * integer. The body is serialised to JSON here and split around the placeholders, so the script
 * only concatenates string literals and digits (digits need no JSON escaping). `{{rand}}` uses
 * k6's Math.random: same range, not the same numbers as faultline's seeded generator.
 * Returns `undefined` for a load without a body.
 */
export function bodyExpression(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  const json = JSON.stringify(body);
  const parts: string[] = [];
  let last = 0;
  for (const match of json.matchAll(PLACEHOLDER)) {
    parts.push(JSON.stringify(json.slice(last, match.index)));
    if (match[1] === 'seq') parts.push('String(seq)');
    else if (match[1] === 'rand') parts.push('String(Math.floor(Math.random() * 4294967296))');
    else parts.push(`String(1 + (seq % ${Math.max(1, Number(match[2]))}))`);
    last = match.index + match[0].length;
  }
  parts.push(JSON.stringify(json.slice(last)));
  return parts.filter((part) => part !== '""').join(' + ') || '""';
}
