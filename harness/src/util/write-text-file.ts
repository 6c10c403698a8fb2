import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Write a text file, creating its folder. Written to a temporary name first and renamed, so a
 * reader (CI uploading artifacts, a crash mid-write) never sees half a file.
 */
let sequence = 0;

export async function writeTextFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Unique per call, so two writes of one file (even in one process) never share a temporary.
  const temporary = `${file}.${process.pid}-${++sequence}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}
