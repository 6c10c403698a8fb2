import { stripAnsi } from './ansi.ts';

/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

/**
 * A plain-text table: columns padded to their widest cell (ANSI colour does not count toward
 * width), separated by two spaces, no trailing spaces.
 */
export function renderTable(rows: readonly (readonly string[])[], align: readonly Align[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - visibleLength(cell));
        return align[i] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

function visibleLength(text: string): number {
  return [...stripAnsi(text)].length;
}
