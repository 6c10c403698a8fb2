import type { z } from 'zod';
import { formatLink, parseLink } from '../../document/link.ts';
import { linkText } from '../../document/fields.ts';
import type { DownFault } from '../model.ts';
import { faultObject } from './kind.ts';
import type { FaultKind } from './kind.ts';

const document = faultObject('down', { link: linkText });

/** The link is down: its proxy is disabled. */
export const downFaultKind: FaultKind<z.infer<typeof document>, DownFault> = {
  kind: 'down',
  documents: [document],
  normalise: (doc, timing) => ({ kind: 'down', ...timing, ...parseLink(doc.link)! }),
  slot: (fault) => `'down' on ${formatLink(fault)}`,
};
