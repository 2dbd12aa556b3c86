/** Modules web/build/survey-trim-plugin.ts provides. */
declare module 'virtual:pont/survey-trimmed-icons' {
  /** Icon name → SVG markup, for SvgRegistry.registerIcons. */
  const icons: Record<string, string>;
  export default icons;
}
