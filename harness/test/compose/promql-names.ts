/**
 * Metric names an expression reads, for checking dashboards against the metrics that exist.
 *
 * Why a tokenizer and not a parser: the one well-kept PromQL parser on npm,
 * @prometheus-io/lezer-promql (the Prometheus UI's grammar), needs two peer packages
 * (@lezer/lr, @lezer/highlight) for a test-only need, in a node_modules shared by everyone's
 * runs. What we need is narrower than a parse: every identifier in metric-name position. In
 * PromQL that is an identifier that is not inside a string, a label matcher `{…}`, a range or
 * subquery `[…]` or a grouping list (`by (…)`, `on (…)`, …), is not a function or aggregation
 * (followed by `(`), not a keyword, and not a Grafana variable (`$name`). Those rules are
 * applied below, in that order; the tests next to this file pin them on tricky expressions.
 */
const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);

export function metricNamesIn(expression: string): string[] {
  let text = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // string literals
    .replace(/\{[^{}]*\}/g, ' ') // label matchers (never nested)
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  // Grafana's label_values(metric, label): the first argument is a metric, the rest labels.
  const names: string[] = [];
  text = text.replace(/\blabel_values\s*\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,[^)]*\)/g, (_all, metric: string) => {
    names.push(metric);
    return ' ';
  });
  for (const match of text.matchAll(/[$]?[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = match[0];
    const before = text[match.index - 1] ?? ' ';
    const after = text.slice(match.index + token.length);
    if (token.startsWith('$')) continue; // a Grafana variable
    if (/[0-9.]/.test(before)) continue; // the exponent or unit of a number, e.g. 1e3
    if (/^\s*\(/.test(after)) continue; // a function or aggregation call
    if (keywords.has(token.toLowerCase())) continue;
    names.push(token);
  }
  return [...new Set(names)];
}

/** Names a family exposes: a histogram's series carry _bucket, _sum and _count. */
export function exposedNames(families: readonly { name: string; type: string }[]): Set<string> {
  const names = new Set<string>();
  for (const { name, type } of families) {
    names.add(name);
    if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}
