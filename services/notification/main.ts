import { runService } from '../lib/server/main.ts';
import { notificationService } from './app.ts';

await runService(notificationService);
