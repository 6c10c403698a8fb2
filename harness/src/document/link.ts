/** A dependency `caller -> callee`: a topology edge, and the link a fault is put on. */
export interface TopologyEdge {
  caller: string;
  callee: string;
}

/** The Toxiproxy proxy of an edge: `caller_to_callee`. */
export function proxyName(edge: TopologyEdge): string {
  return `${edge.caller}_to_${edge.callee}`;
}

/** `caller -> callee`, spaces around the arrow optional. */
export const LINK_PATTERN = '^\\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\\s*->\\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\\s*$';

/** The edge a link text names; `undefined` when it does not match LINK_PATTERN. */
export function parseLink(text: string): TopologyEdge | undefined {
  const match = new RegExp(LINK_PATTERN).exec(text);
  return match ? { caller: match[1]!, callee: match[2]! } : undefined;
}

export function formatLink(edge: TopologyEdge): string {
  return `${edge.caller} -> ${edge.callee}`;
}

export function linkProblem(input: unknown): string {
  return `expected a link 'caller -> callee' (e.g. 'trip -> dispatch'); got ${JSON.stringify(input)}`;
}
