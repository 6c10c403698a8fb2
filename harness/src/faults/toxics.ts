/**
 * Toxiproxy's toxics and their attributes, with Toxiproxy's units (Toxiproxy 2.x README).
 * `time` attributes accept a duration text in scenario files and are converted to `unit`;
 * plain numbers are taken as Toxiproxy units. Every attribute defaults to 0, as in Toxiproxy.
 * This is the one list of toxics scenarios may name (a test checks it against the embedded
 * server's toxics/registry.ts): adding a toxic is one entry here and one file there.
 */
export interface ToxicAttribute {
  /** `ms` / `us`: a time, duration text accepted; `KB/s`, `bytes`: a plain number. */
  unit: 'ms' | 'us' | 'KB/s' | 'bytes';
  description: string;
}

export const toxicAttributes = {
  latency: {
    latency: { unit: 'ms', description: 'Added delay before data is passed on.' },
    jitter: { unit: 'ms', description: 'Random variation (±) of the latency.' },
  },
  bandwidth: {
    rate: { unit: 'KB/s', description: 'Throughput limit in KB per second.' },
  },
  slow_close: {
    delay: { unit: 'ms', description: 'Delay before the connection is closed.' },
  },
  timeout: {
    timeout: { unit: 'ms', description: 'Stop all data and close the connection after this long; 0 = never close.' },
  },
  reset_peer: {
    timeout: { unit: 'ms', description: 'Reset the connection (TCP RST) after this long; 0 = at once.' },
  },
  slicer: {
    average_size: { unit: 'bytes', description: 'Average size of a slice; must be > 0.' },
    size_variation: { unit: 'bytes', description: 'Variation of the slice size; less than average_size.' },
    delay: { unit: 'us', description: 'Delay between slices, in microseconds.' },
  },
  limit_data: {
    bytes: { unit: 'bytes', description: 'Close the connection after this many bytes.' },
  },
} as const satisfies Readonly<Record<string, Readonly<Record<string, ToxicAttribute>>>>;

/** Toxiproxy toxic types a scenario may use. */
export type ToxicType = keyof typeof toxicAttributes;

/** Attributes of one toxic type, by Toxiproxy name. */
export function attributesOf(type: ToxicType): Readonly<Record<string, ToxicAttribute>> {
  return toxicAttributes[type];
}

export const toxicTypes = Object.keys(toxicAttributes) as ToxicType[];

export function isTimeAttribute(attribute: ToxicAttribute): boolean {
  return attribute.unit === 'ms' || attribute.unit === 'us';
}
