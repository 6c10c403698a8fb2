import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Write a text file, creating its folder. Written to a temporary name first and renamed, so a
 * reader (CI uploading artifacts, a crash mid-write) never sees half a file, and a failed write
 * (a full disk) leaves the previous file as it was and no temporary behind.
 */
let sequence = 0;

/** The two file operations a write makes; replaceable in tests to play a full disk (ENOSPC). */
export interface FileWriter {
  writeFile(file: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

const nodeWriter: FileWriter = { writeFile: (file, text) => writeFile(file, text, 'utf8'), rename };
let writer: FileWriter = nodeWriter;

/** Test seam: writes go through `replacement` until the returned function restores Node's. */
export function replaceFileWriter(replacement: FileWriter): () => void {
  writer = replacement;
  return () => {
    writer = nodeWriter;
  };
}

const reasons: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path exists and is not a folder',
  EISDIR: 'the path is a folder',
};

/** A file or folder that could not be written: names it and says why in words. */
export class FileWriteError extends Error {
  readonly path: string;
  readonly code: string | undefined;
  constructor(what: string, path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason = (code && reasons[code]) ?? (cause instanceof Error ? cause.message : String(cause));
    super(`cannot write ${what} ${path}: ${reason}${code ? ` (${code})` : ''}`, { cause });
    this.name = 'FileWriteError';
    this.path = path;
    this.code = code;
  }
}

export async function writeTextFile(file: string, text: string): Promise<void> {
  // Unique per call, so two writes of one file (even in one process) never share a temporary.
  const temporary = `${file}.${process.pid}-${++sequence}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writer.writeFile(temporary, text);
    await writer.rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new FileWriteError('the file', file, error);
  }
}

/**
 * Checks that files can be created in `dir` (creating it): a run checks its result folder
 * before starting anything, so an unwritable one costs nothing. Throws FileWriteError.
 */
export async function checkWritableDir(dir: string): Promise<void> {
  const probe = join(dir, `.faultline-write-check-${process.pid}-${++sequence}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
  } catch (error) {
    throw new FileWriteError('into the folder', dir, error);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}
