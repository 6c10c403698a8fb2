import { open, type FileHandle } from 'node:fs/promises';

/**
 * Reads the lines a running process appends to a file, while it writes them (k6's
 * `--out json=FILE`): polls every `intervalMs` from where it stopped, and hands over each complete
 * line with its 1-based line number. Polling rather than fs.watch: it behaves the same on every
 * file system, and a 100 ms lag is nothing beside k6's own flush period.
 */
export class LineFollower {
  readonly #file: string;
  readonly #onLine: (line: string, lineNumber: number) => void;
  readonly #intervalMs: number;
  #handle: FileHandle | undefined;
  #position = 0;
  #partial = '';
  #lineNumber = 0;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> = Promise.resolve();
  /** The first error of a poll (a read, or `onLine`), rethrown by finish(). */
  #error: unknown;
  readonly #buffer = Buffer.alloc(64 * 1024);
  readonly #decoder = new TextDecoder();

  constructor(file: string, onLine: (line: string, lineNumber: number) => void, intervalMs = 100) {
    this.#file = file;
    this.#onLine = onLine;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#reading = this.#reading.then(() => this.#readNew()).catch((error: unknown) => void (this.#error ??= error));
    }, this.#intervalMs);
  }

  /** Stops polling and reads what is left, the last line even without its newline. */
  async finish(): Promise<void> {
    clearInterval(this.#timer);
    await this.#reading;
    try {
      if (this.#error !== undefined) throw this.#error;
      await this.#readNew();
      const rest = this.#partial + this.#decoder.decode();
      this.#partial = '';
      if (rest !== '') this.#onLine(rest, ++this.#lineNumber);
    } finally {
      await this.#handle?.close();
      this.#handle = undefined;
    }
  }

  async #readNew(): Promise<void> {
    if (!this.#handle) {
      try {
        this.#handle = await open(this.#file, 'r');
      } catch {
        return; // not created yet
      }
    }
    for (;;) {
      const { bytesRead } = await this.#handle.read(this.#buffer, 0, this.#buffer.length, this.#position);
      if (bytesRead === 0) return;
      this.#position += bytesRead;
      const lines = (this.#partial + this.#decoder.decode(this.#buffer.subarray(0, bytesRead), { stream: true })).split('\n');
      this.#partial = lines.pop()!;
      for (const line of lines) this.#onLine(line, ++this.#lineNumber);
    }
  }
}
