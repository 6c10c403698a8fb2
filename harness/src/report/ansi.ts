/**
 * The few ANSI sequences the console needs; plain escapes, no dependency. Every colour
 * function is the identity when colour is off, so callers never branch.
 */
export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

const coloured: Palette = {
  green: wrap(32, 39),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};

const identity = (text: string) => text;
const plain: Palette = { green: identity, red: identity, yellow: identity, cyan: identity, dim: identity, bold: identity };

export function palette(color: boolean): Palette {
  return color ? coloured : plain;
}

/** Back to column 0 and erase the line: how the live status line is redrawn in place. */
export const CLEAR_LINE = '\r\x1b[2K';

// ANSI CSI sequences (colours, clear-line): removed to measure the width a line shows.
// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\x1b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
