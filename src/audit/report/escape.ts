const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML and SVG content and attribute values: everything taken from records goes through
 * here, so a principal like `<script>` is shown, never run. Control characters become U+FFFD.
 */
export function esc(value: string | number): string {
  let out = '';
  for (const c of String(value)) {
    const code = c.charCodeAt(0);
    out += ENTITIES[c] ?? ((code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || code === 0x7f ? '\ufffd' : c);
  }
  return out;
}
