import { PassThrough } from 'node:stream';

/** Streams for a CLI command, with what was written to each. */
export function captureIo() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  return { io: { stdout: out, stderr: err, env: {} }, text: () => ({ stdout, stderr }) };
}
