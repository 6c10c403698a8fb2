/**
 * The version number in a Toxiproxy `GET /version` body: JSON (`{"version": "2.12.0"}`) in
 * current releases, a bare version string in older ones. Anything else is kept as sent
 * (trimmed), so a report still shows what the server said.
 */
export function toxiproxyVersionNumber(body: string): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && typeof (parsed as { version?: unknown }).version === 'string') return (parsed as { version: string }).version;
    } catch {
      // Not JSON after all: shown as sent.
    }
  }
  return text;
}
