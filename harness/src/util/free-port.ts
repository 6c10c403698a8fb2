import { createServer, type AddressInfo } from 'node:net';

/** A port free right now on 127.0.0.1 (for services that cannot announce their own). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  // A server listening on a TCP port has an AddressInfo (a string only for a pipe or socket file).
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
