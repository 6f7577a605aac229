/** A stable hue (0–359) for an id, so placeholders and avatars keep their own colour. */
export function hueOf(id: string): number {
  // FNV-1a: ids that differ by one character still land far apart on the colour wheel.
  let hash = 0x811c9dc5;
  for (const char of id) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193);
  return (hash >>> 0) % 360;
}
