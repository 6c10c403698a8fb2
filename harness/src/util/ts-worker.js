// Bootstrap of a worker thread that runs a TypeScript module: workers do not inherit the tsx
// loader of the main thread on Node 20, so each registers it before importing its entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
