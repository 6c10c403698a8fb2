import type { RunResult } from '../model/result.ts';
import { writeTextFile } from '../util/write-text-file.ts';

/** result.json: the RunResult as pretty JSON (the contract is docs/result-json.md). */
export function renderResultJson(result: RunResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

export async function writeResultJson(result: RunResult, file: string): Promise<void> {
  await writeTextFile(file, renderResultJson(result));
}
